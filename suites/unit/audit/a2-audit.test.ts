import { describe, expect, it } from "vitest";
import { NOT_PLANTED, auditA2Scope } from "../../../harness/audit/a2-audit.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { credentialNeedles, judgeA2 } from "../../../harness/claims/a2-no-secrets/judge.ts";

const list = (items: object[]) => ({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items });
const USER = "v-kubernet-secure-ap-Qm3Lr8ZtYw2Xk9Pn4Hd-1795000000";
const PASSWORD = "Hq7-Zr2mWx9LpT4nVb8c";

describe("A2 in an audit", () => {
  it("never passes: with every needle searched and nothing found, the unplanted canary leaves it inconclusive, saying why", () => {
    const scope = { ...auditA2Scope(kindTarget("x")), identities: credentialNeedles({ usernames: [USER], password: PASSWORD, passwordReadAt: "2026-12-01T17:00:00.000Z" }) };
    const r = judgeA2({ secretsAndConfigMaps: list([]), pods: list([]), ...scope });
    expect(r.verdict.verdict).toBe("inconclusive");
    expect(r.verdict.negativeControl).toEqual({ verdict: "inconclusive", reasons: [`no canary was planted: ${NOT_PLANTED}`] });
    expect(r.verdict.reasons).toContain("the negative control failed, so finding nothing proves nothing");
  });

  it("still fails on what it finds: the live password in a ConfigMap", () => {
    const scope = { ...auditA2Scope(kindTarget("x")), identities: credentialNeedles({ usernames: [USER], password: PASSWORD, passwordReadAt: "2026-12-01T17:00:00.000Z" }) };
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "default", name: "leak", uid: "u", resourceVersion: "1" }, data: { DB_PASSWORD: PASSWORD } };
    expect(judgeA2({ secretsAndConfigMaps: list([cm]), pods: list([]), ...scope }).verdict.verdict).toBe("fail");
  });

  it("takes the workload's namespace as the one that must hold no Secret", () => {
    expect(auditA2Scope(kindTarget("x")).secretFreeNamespaces).toEqual(["test-dynamic"]);
  });
});
