import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { accessPlan, READ_ONLY } from "../../../harness/audit/access-plan.ts";
import { describePermission } from "../../../harness/audit/permissions.ts";
import { type AccessAnswer, answerOf, formatReadiness, judgePreflight, type OutsideAnswer, permissionOfReview, permissionsToCheck } from "../../../harness/audit/preflight-judge.ts";
import { parseTarget, type AuditTarget } from "../../../harness/audit/target.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit");
const example = parseTarget(readFileSync(join(FIXTURES, "target.example.yaml"), "utf8"), "example");
const reviews = JSON.parse(readFileSync(join(FIXTURES, "ssar-reviews.json"), "utf8")) as unknown[];
/** The recorded reviews, as the collector turns each response into an answer. */
const recorded: AccessAnswer[] = reviews.map((r) => answerOf(permissionOfReview(r), r));
const outsideOk: OutsideAnswer[] = [
  { access: "vault-token", ok: true, detail: "from VAULT_TOKEN" },
  { access: "database", ok: true, detail: "from environment variable AUDIT_PG_URL" },
  { access: "etcd-client", ok: true, detail: "client files readable" },
];
const byClaim = (t: AuditTarget, answers: AccessAnswer[], outside: OutsideAnswer[]) =>
  Object.fromEntries(judgePreflight(accessPlan(t, READ_ONLY), answers, outside).map((r) => [r.claim, r]));

describe("preflight judge (recorded SelfSubjectAccessReview responses)", () => {
  it("the recorded reviews answer every permission the read-only plan checks", () => {
    const asked = permissionsToCheck(accessPlan(example, READ_ONLY)).map(describePermission).sort();
    expect(recorded.map((a) => describePermission(a.permission)).sort()).toEqual(asked);
  });

  it("a claim whose permissions are all allowed is runnable; one the RBAC authorizer has no rule for is inconclusive naming the permission", () => {
    const r = byClaim(example, recorded, outsideOk);
    expect(r.A2!.status).toBe("runnable");
    expect(r.A2!.limits.join("\n")).toMatch(/can fail but not pass/);
    expect(r.D2!.status).toBe("inconclusive");
    expect(r.D2!.reasons).toEqual([
      "missing get deployments.apps in payments (to read Deployment payments/payments-api (its selector and replicas)): not allowed (no rule grants it)",
    ]);
    expect(r.D1!.status).toBe("runnable");
  });

  it("a missing outside access makes its claims inconclusive, naming it", () => {
    const r = byClaim(example, recorded, [{ access: "vault-token", ok: false, detail: "no Vault token: give target.vault.tokenFile or set VAULT_TOKEN" }]);
    expect(r.D1!.reasons).toEqual([
      "vault-token (to read Vault: a token whose policy grants [\"list\", \"sudo\"] on sys/leases/lookup/database/creds/payments-api/, [\"update\"] on sys/leases/lookup, [\"read\"] on database/roles/payments-api and [\"read\"] on database/config/<the role's db_name>): no Vault token: give target.vault.tokenFile or set VAULT_TOKEN",
      "database (to query pg_roles over target.database.connection) was not checked",
    ]);
  });

  it("a claim the target blocks is inconclusive with the target's reason, whatever the identity may do", () => {
    const lines = formatReadiness(judgePreflight(accessPlan({ ...example, etcd: "none" }, READ_ONLY), recorded, outsideOk)).split("\n");
    expect(lines).toContain("A1: inconclusive: etcd not reachable: target.etcd is none (managed control plane)");
    expect(lines).toContain("A2: runnable");
    expect(lines.filter((l) => l.startsWith("F1: limit:")).join("\n")).toMatch(/only --attack allows/);
    expect(lines.filter((l) => l.startsWith("T2: inconclusive:")).join("\n")).toMatch(/only --attack allows/);
  });

  it("an explicit denial, an evaluation error, a failed review and a response without status are each named", () => {
    const secrets = recorded[0]!.permission;
    const denied = answerOf(secrets, { status: { allowed: false, denied: true, reason: "denied by the audit webhook" } });
    const r1 = byClaim(example, [denied, ...recorded.slice(1)], outsideOk);
    expect(r1.A2!.reasons).toEqual(["missing list secrets (cluster-wide) (to scan every Secret for the credential): denied — denied by the audit webhook"]);
    const evalErr = answerOf(secrets, { status: { allowed: false, evaluationError: "role.rbac.authorization.k8s.io \"x\" not found" } });
    expect(byClaim(example, [evalErr, ...recorded.slice(1)], outsideOk).A2!.reasons[0]).toMatch(/not allowed \(no rule grants it\) — evaluation error: role/);
    expect(answerOf(secrets, { kind: "Status", status: "Failure" })).toEqual({ permission: secrets, error: "the SelfSubjectAccessReview response has no status.allowed" });
    expect(byClaim(example, recorded.slice(1), outsideOk).A2!.reasons).toEqual(["missing list secrets (cluster-wide) (to scan every Secret for the credential): it was not checked"]);
  });
});
