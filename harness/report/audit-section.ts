import type { RunRecord } from "../evidence/recorder.ts";

/** One claim as an audit's run.json records it (harness/audit/run-audit.ts AuditRecord.claims). */
export interface AuditClaimLine {
  claim: string;
  status: string;
  reasons: string[];
  limits: string[];
}

/** What the report shows of an audit run: its access, identity and each claim's status with the reasons. */
export interface AuditSection {
  access: string;
  identity: string;
  claims: AuditClaimLine[];
  /** The policy --apply-policy applied and removed (run.json `audit.policy`), in words. */
  policy?: string;
}

/**
 * run.json's `audit.policy` (harness/audit/policy-record.ts PolicySummary) as
 * one sentence; a removal not proven is said first and loudly. Pure.
 */
export function policyLine(p: unknown): string | undefined {
  if (!p || typeof p !== "object") return undefined;
  const s = p as Record<string, unknown>;
  const str = (k: string) => (typeof s[k] === "string" ? (s[k] as string) : undefined);
  const parts = [`Applied policy ${str("policy") ?? "?"} (sha256 ${str("sha256") ?? "?"}, audit/policy.yaml)`];
  parts.push(str("appliedAt") ? `applied ${str("appliedAt")}` : "not applied");
  if (str("enforcingProvenAt")) parts.push(`proven enforcing ${str("enforcingProvenAt")}`);
  if (str("enforcingError")) parts.push(`NOT proven enforcing: ${str("enforcingError")}`);
  const outcome = str("deleteOutcome");
  if (str("removedAt") && outcome !== "replaced") parts.push(`removed ${str("removedAt")} (${outcome ?? "?"})`);
  if (str("interrupted")) parts.push(`interrupted by ${str("interrupted")}`);
  // The outcome first: a policy never created, or replaced by another object, has no unload to prove.
  const removal =
    outcome === "not-created" ? (str("manualDelete") ? "REMOVAL NOT PROVEN" : "nothing to remove")
    : outcome === "replaced" ? "gone (replaced by another object)"
    : s.removalProven === true ? "unload proven"
    : "REMOVAL NOT PROVEN";
  const manual = str("manualDelete") ? `; remove it by hand: ${str("manualDelete")}` : "";
  return `${parts.join(", ")}; ${removal}${manual}.`;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** run.json's `audit` object, when the run is an audit; anything malformed in it is shown as what it is, never dropped. Pure. */
export function auditSectionOf(run: RunRecord): { audit?: AuditSection } {
  const a = (run as RunRecord & { audit?: unknown }).audit as { access?: unknown; identity?: { username?: unknown; error?: unknown }; claims?: unknown } | undefined;
  if (!a || typeof a !== "object") return {};
  const who = a.identity?.username ?? a.identity?.error;
  const claims = (Array.isArray(a.claims) ? a.claims : []).map((c: { claim?: unknown; status?: unknown; reasons?: unknown; limits?: unknown }) => ({
    claim: String(c?.claim ?? "?"),
    status: String(c?.status ?? "?"),
    reasons: strings(c?.reasons),
    limits: strings(c?.limits),
  }));
  const policy = policyLine((a as { policy?: unknown }).policy);
  return { audit: { access: String(a.access ?? "?"), identity: typeof who === "string" ? who : "not reported", claims, ...(policy ? { policy } : {}) } };
}

const lead = (s: AuditSection) => {
  const open = s.claims.filter((c) => c.status !== "run").map((c) => c.claim);
  return `Audit (${s.access}) as ${s.identity}. ${open.length ? `Inconclusive, with what was found and what is missing: ${open.join(", ")}.` : "Every claim was run."}`;
};

/** The markdown section, or nothing for a run that is not an audit; `cell` escapes a table cell. */
export function auditSectionMd(s: AuditSection | undefined, cell: (t: string) => string): string[] {
  if (!s) return [];
  return ["## Audit", ...auditBodyMd(s, cell)];
}

/** The section's body in markdown: the lead line and the per-claim table. */
export function auditBodyMd(s: AuditSection, cell: (t: string) => string): string[] {
  const rows = s.claims.map((c) => `| ${cell(c.claim)} | ${c.status === "run" ? "run" : "**INCONCLUSIVE**"} | ${cell(c.reasons.join("\n")) || "—"} | ${cell(c.limits.join("\n")) || "—"} |`);
  return [cell(lead(s)), ...(s.policy ? [cell(s.policy)] : []), ["| claim | audit | why | limits |", "|---|---|---|---|", ...rows].join("\n")];
}

/** The HTML section, or nothing for a run that is not an audit; `esc` escapes text. */
export function auditSectionHtml(s: AuditSection | undefined, esc: (t: string) => string): string[] {
  return s ? [`<section><h2>Audit</h2>${auditBodyHtml(s, esc)}</section>`] : [];
}

/** The section's body in HTML: the lead line and the per-claim table. */
export function auditBodyHtml(s: AuditSection, esc: (t: string) => string): string {
  const list = (xs: string[]) => (xs.length ? `<ul>${xs.map((x) => `<li>${esc(x)}</li>`).join("")}</ul>` : "—");
  const rows = s.claims.map((c) => `<tr><td>${esc(c.claim)}</td><td class="${c.status === "run" ? "v-pass" : "v-inconclusive"}">${c.status === "run" ? "run" : "INCONCLUSIVE"}</td><td>${list(c.reasons)}</td><td>${list(c.limits)}</td></tr>`);
  return `<p>${esc(lead(s))}</p>${s.policy ? `<p id="audit-policy">${esc(s.policy)}</p>` : ""}<table id="audit"><thead><tr><th>claim</th><th>audit</th><th>why</th><th>limits</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}
