import { CLAIM_IDS } from "../claims/verdict.ts";
import { overallVerdicts } from "./model.ts";
import { formatFinding } from "./secret-scan.ts";
import type { VerifyResult } from "./verify.ts";

/** Exit codes of `secretproof verify`. */
export const VERIFY_EXIT = { ok: 0, claimsFailed: 1, untrusted: 2 } as const;

export function verifyExitCode(r: VerifyResult): number {
  if (!r.trusted) return VERIFY_EXIT.untrusted;
  return r.ok ? VERIFY_EXIT.ok : VERIFY_EXIT.claimsFailed;
}

function section(title: string, items: string[], empty: string): string[] {
  if (items.length === 0) return [`${title}: ${empty}`];
  return [`${title}: ${items.length} problem${items.length === 1 ? "" : "s"}`, ...items.map((i) => `  - ${i}`)];
}

/** The verdicts as verify stands behind them, one line each, in claim-table order. */
function verdictLines(r: VerifyResult): string[] {
  const lines: string[] = [];
  for (const v of r.verdicts) {
    const id = v.subject ? `${v.claim} (${v.subject})` : v.claim;
    const nc = v.negativeControl ? `; negative control ${v.negativeControl.verdict}` : "";
    lines.push(`  ${id.padEnd(24)} ${v.verdict.padEnd(12)} ${v.reasons.join("; ")}${nc}`);
  }
  for (const g of r.notProven) lines.push(`  ${g.claim.padEnd(24)} ${"not proven".padEnd(12)} ${g.why}`);
  return CLAIM_IDS.flatMap((c) => lines.filter((l) => l.startsWith(`  ${c} `)));
}

function provenanceLines(r: VerifyResult): string[] {
  const p = r.provenance;
  if (!p) return ["provenance: not checked (pass --attestation FILE to check who made the bundle)"];
  const who = `${p.expected.repository} ${p.expected.workflow}@${p.expected.ref}, commit ${p.expected.commit ?? "unknown"}`;
  const ok = `${p.attestation} attests this bundle (pack sha256 ${p.packSha256}), signed by ${who}; checked against ${p.trustedRoot}`;
  return section("provenance", p.problems, ok);
}

function outcome(r: VerifyResult): string {
  if (!r.trusted) return "UNTRUSTED: the bundle is not intact, leaks a secret, records verdicts its evidence does not give, or is not attested as expected; its verdicts prove nothing";
  if (!r.ok) return `FAIL: not proven: ${r.failedClaims.join(", ")}`;
  return "PASS: the bundle is intact and every claim passed";
}

/** Human-readable verify output; never prints a secret (findings show redaction markers). */
export function formatVerify(r: VerifyResult): string {
  const claims = overallVerdicts(r.verdicts).map((o) => `${o.claim} ${o.verdict === "not run" ? "not proven" : o.verdict}`).join(" · ");
  return [
    `bundle ${r.dir}${r.runId ? ` (run ${r.runId})` : ""}`,
    ...r.custom.map((c) => `verified against a ${c}, not this secretproof's own`),
    ...section("integrity", r.integrity, "every file matches SHA256SUMS; run.json is valid"),
    ...section("secrets", r.leaks.map(formatFinding), "no live-secret shape in any file"),
    ...section(
      "re-judged",
      r.mismatches,
      r.rejudged.length ? `${r.rejudged.join(", ")}: the evidence gives the recorded verdicts` : "no claim family to re-run",
    ),
    ...section("recorded without evidence", r.untrustworthy, "every recorded verdict has evidence that was re-judged"),
    ...provenanceLines(r),
    ...r.notes.map((n) => `note: ${n}`),
    "verdicts:",
    ...verdictLines(r),
    `claims: ${claims}`,
    outcome(r),
  ].join("\n");
}
