import { byTime, classifyLogin, describeLogin, findRole } from "./login.ts";
import type { LoginAttempt, PgRolesSnapshot, RevocationTrial } from "./types.ts";
import { verdict, type Verdict, type VerdictValue } from "../verdict.ts";

/** The controls of a revocation trial: the role existed and its credential worked before. */
function controlsOf(t: RevocationTrial, control: string, final: PgRolesSnapshot | undefined): { verdict: VerdictValue; reasons: string[] } {
  const reasons: string[] = [];
  let ok = true;
  const before = classifyLogin(t.loginBefore);
  reasons.push(`before revocation: ${describeLogin(t.loginBefore)}: ${before.why}`);
  if (before.outcome !== "accepted") ok = false;
  if (!findRole(t.before, t.username)) {
    reasons.push(`${t.username} was not in pg_roles before revocation (${t.before.at})`);
    ok = false;
  }
  if (final && !findRole(final, control)) {
    reasons.push(`control role ${control} is missing from the last snapshot: the query cannot show absence`);
    ok = false;
  }
  return { verdict: ok ? "pass" : "fail", reasons };
}

function loginAfterFate(a: LoginAttempt): { value: VerdictValue; reason: string } {
  const c = classifyLogin(a);
  const reason = `after revocation: ${describeLogin(a)}: ${c.why}`;
  if (c.outcome === "accepted") return { value: "fail", reason };
  return { value: c.outcome === "rejected" ? "pass" : "inconclusive", reason };
}

/**
 * D3 (revocation): revoking a lease in Vault drops its role from Postgres,
 * and the credential stops working. Controls: the role existed and the same
 * login worked before the revocation; the control role stays listed.
 */
export function judgeD3Revocation(t: RevocationTrial, controlRole: string, evidence: string[]): Verdict {
  const after = byTime(t.after);
  const final = after[after.length - 1];
  const controls = controlsOf(t, controlRole, final);
  const extra = { subject: "explicit-revocation", negativeControl: controls };
  if (!final) return verdict("D3", "inconclusive", ["no pg_roles snapshot was taken after the revocation"], evidence, extra);
  const reasons = [`revoked lease ${t.leaseId} of ${t.username} at ${t.revokedAt}`];
  const stillThere = findRole(final, t.username);
  const login = loginAfterFate(t.loginAfter);
  if (stillThere) {
    reasons.push(`${t.username} is still in pg_roles at ${final.at}, ${after.length} snapshots after the revocation`);
  } else {
    const firstGone = after.find((s) => !findRole(s, t.username)) as PgRolesSnapshot;
    reasons.push(`${t.username} gone from pg_roles at ${firstGone.at} (snapshot ${after.indexOf(firstGone) + 1} of ${after.length} after revocation)`);
  }
  reasons.push(login.reason);
  if (stillThere || login.value === "fail") return verdict("D3", false, reasons, evidence, extra);
  if (controls.verdict !== "pass" || login.value === "inconclusive") return verdict("D3", "inconclusive", reasons, evidence, extra);
  return verdict("D3", true, reasons, evidence, extra);
}
