/** The claims the suite proves; see the README's claim table. */
export const CLAIM_IDS = ["A1", "A2", "D1", "D2", "D3", "D4", "F1", "F2", "T1", "T2", "T3", "N1", "L1"] as const;
export type ClaimId = (typeof CLAIM_IDS)[number];

export type VerdictValue = "pass" | "fail" | "inconclusive";

/** What a judge returns: evidence in, verdict out. */
export interface Verdict {
  claim: ClaimId;
  /** Narrower subject within the claim, e.g. an attack id ("cat") or a role name. */
  subject?: string;
  verdict: VerdictValue;
  reasons: string[];
  /** Paths inside the evidence bundle that decided the verdict. */
  evidence: string[];
  /** The negative control's own verdict, when the claim has one. */
  negativeControl?: { verdict: VerdictValue; reasons: string[] };
}

export function verdict(
  claim: ClaimId,
  ok: boolean | "inconclusive",
  reasons: string[],
  evidence: string[] = [],
  extra: Partial<Pick<Verdict, "subject" | "negativeControl">> = {},
): Verdict {
  const v: VerdictValue = ok === "inconclusive" ? "inconclusive" : ok ? "pass" : "fail";
  return { claim, verdict: v, reasons, evidence, ...extra };
}

/** Combines several verdicts on one claim: any fail fails, then any inconclusive. */
export function worst(values: VerdictValue[]): VerdictValue {
  if (values.includes("fail")) return "fail";
  if (values.includes("inconclusive") || values.length === 0) return "inconclusive";
  return "pass";
}
