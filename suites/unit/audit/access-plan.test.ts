import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { ClusterRole, Role } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { describe, expect, it } from "vitest";
import { CLAIM_IDS } from "../../../harness/claims/verdict.ts";
import { accessPlan, READ_ONLY, writePermissions, type AuditMode } from "../../../harness/audit/access-plan.ts";
import { describePermission } from "../../../harness/audit/permissions.ts";
import { READ_VERBS } from "../../../harness/audit/permissions.ts";
import { judgePreflight } from "../../../harness/audit/preflight-judge.ts";
import { plannedRules, rbacObjects, renderRbac } from "../../../harness/audit/rbac.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { parseTarget, type AuditTarget } from "../../../harness/audit/target.ts";

const example = parseTarget(readFileSync(join(import.meta.dirname, "../../../fixtures/audit/target.example.yaml"), "utf8"), "example");
const managed: AuditTarget = { ...example, etcd: "none", falco: { absent: true } };
const TARGETS: [string, AuditTarget][] = [["the example", example], ["the kind cluster", kindTarget("secretproof")], ["a managed cluster", managed]];
const MODES: [string, AuditMode][] = [["--attack", { attack: true, applyPolicy: false }], ["--apply-policy", { attack: false, applyPolicy: true }], ["both", { attack: true, applyPolicy: true }]];

describe("access plan", () => {
  for (const [what, t] of TARGETS) {
    it(`read-only mode reaches no write verb for ${what}: every permission is get, list or watch`, () => {
      const plan = accessPlan(t, READ_ONLY);
      expect(writePermissions(plan)).toEqual([]);
      const verbs = plan.flatMap((c) => c.permissions.map((p) => p.permission.verb));
      expect(verbs.length).toBeGreaterThan(0);
      for (const v of verbs) expect(READ_VERBS).toContain(v);
      for (const rule of plannedRules(plan)) for (const v of rule.verbs) expect(READ_VERBS).toContain(v);
    });
  }

  it("the write-verb check can fail: --attack plans create on pods/exec in the workload's namespace", () => {
    const plan = accessPlan(example, { attack: true, applyPolicy: false });
    expect(writePermissions(plan)).toContain("F1: create pods/exec in payments");
  });

  it("--attack plans what kubectl exec, logs and port-forward read besides: the pods, and the Service only when the target names one", () => {
    const needs = (t: typeof example, claim: string) =>
      accessPlan(t, { attack: true, applyPolicy: false }).find((c) => c.claim === claim)!.permissions.map((p) => describePermission(p.permission));
    expect(needs(example, "F1")).toEqual(expect.arrayContaining(["get pods in payments", "get services in payments", "create pods/portforward in payments", "get pods/log in falco", "get pods in falco"]));
    const { service: _service, ...workload } = example.workload;
    const unprobed = { ...example, workload };
    expect(needs(unprobed, "T2")).toContain("get pods in payments");
    expect(needs(unprobed, "T2").filter((p) => p.includes("services") || p.includes("portforward"))).toEqual([]);
    expect(writePermissions(accessPlan(example, READ_ONLY))).toEqual([]);
  });

  it("--apply-policy plans create and delete of namespaced TracingPolicies in the workload's namespace, only then", () => {
    const policy = (m: AuditMode) => writePermissions(accessPlan(example, m)).filter((w) => w.includes("tracingpolicies"));
    expect(policy({ attack: true, applyPolicy: true })).toEqual([
      "T1: create tracingpoliciesnamespaced.cilium.io in payments",
      "T1: delete tracingpoliciesnamespaced.cilium.io in payments",
    ]);
    expect(policy({ attack: true, applyPolicy: false })).toEqual([]);
  });

  it("every claim is planned, in claim-list order, and a claim read-only mode cannot run says why", () => {
    const plan = accessPlan(managed, READ_ONLY);
    expect(plan.map((c) => c.claim)).toEqual([...CLAIM_IDS]);
    const blocked = Object.fromEntries(plan.map((c) => [c.claim, c.blocked]));
    expect(blocked.A1).toEqual(["etcd not reachable: target.etcd is none (managed control plane)"]);
    expect(blocked.F1).toContain("Falco is absent (target.falco.absent), so nothing can observe it");
    // Read-only, T1 still observes Tetragon and the policies; only the kill's proof is missing.
    expect(blocked.T1).toEqual([]);
    expect(plan.find((c) => c.claim === "T1")!.limits.join("\n")).toMatch(/needs create pods\/exec in payments, which only --attack allows/);
    expect(blocked.T2!.join("\n")).toMatch(/needs create pods\/exec in payments, which only --attack allows/);
    expect(blocked.A2).toEqual([]);
    expect(plan.find((c) => c.claim === "A2")!.limits.join("\n")).toMatch(/A2 can fail but not pass/);
  });

  it("a database reached by psql in its pod blocks D1-D3 in every mode (psql in a pod is not run yet), and A2 only searches for no DB username", () => {
    const kind = kindTarget("secretproof");
    for (const mode of [READ_ONLY, ...MODES.map(([, m]) => m)]) {
      const plan = accessPlan(kind, mode);
      for (const c of ["D1", "D2", "D3"]) {
        const claim = plan.find((x) => x.claim === c)!;
        expect(claim.blocked).toEqual(["psql in a pod is not run yet; give target.database.connection"]);
        expect([claim.permissions, claim.outside]).toEqual([[], []]);
      }
      const a2 = plan.find((x) => x.claim === "A2")!;
      expect(a2.blocked).toEqual([]);
      expect(a2.limits).toContain("no DB usernames searched for: psql in a pod is not run yet; give target.database.connection");
      expect(a2.outside).toEqual([]);
    }
    // with a connection, the same claims read Vault and pg_roles
    const d1 = accessPlan(example, READ_ONLY).find((x) => x.claim === "D1")!;
    expect([d1.blocked, d1.outside.map((o) => o.access)]).toEqual([[], ["vault-token", "database"]]);
    expect(accessPlan(example, READ_ONLY).find((x) => x.claim === "A2")!.outside.map((o) => `${o.access}${o.optional ? "?" : ""}`)).toEqual(["vault-token?", "database?"]);
  });

  it("target.etcd kubeadm-static-pod blocks A1 in every mode with the form to give instead", () => {
    for (const mode of [READ_ONLY, ...MODES.map(([, m]) => m)]) {
      const a1 = accessPlan(kindTarget("secretproof"), mode).find((c) => c.claim === "A1")!;
      expect(a1.blocked).toEqual(["target.etcd kubeadm-static-pod is not collected yet; give endpoints and client certs (for kind: secretproof target --etcd-certs DIR)"]);
      expect([a1.permissions, a1.outside]).toEqual([[], []]);
    }
  });

  it("with every permission allowed, --attack on the kind target still leaves A1 and D1-D3 inconclusive with those reasons, so the audit opens no reader for them", () => {
    const mode = { attack: true, applyPolicy: false };
    const plan = accessPlan(kindTarget("secretproof"), mode);
    const answers = plan.flatMap((c) => c.permissions.map((p) => ({ permission: p.permission, status: { allowed: true } })));
    const outside = [{ access: "vault-token" as const, ok: true, detail: "from VAULT_TOKEN" }];
    const byClaim = Object.fromEntries(judgePreflight(plan, answers, outside).map((r) => [r.claim, r]));
    expect(byClaim.A1).toMatchObject({ status: "inconclusive", reasons: [expect.stringMatching(/^target\.etcd kubeadm-static-pod is not collected yet/)] });
    for (const c of ["D1", "D2", "D3"]) expect(byClaim[c]).toMatchObject({ status: "inconclusive", reasons: ["psql in a pod is not run yet; give target.database.connection"] });
    expect(byClaim.F1!.status).toBe("runnable");
  });
});

describe("secretproof audit rbac", () => {
  for (const [what, mode] of [["read-only", READ_ONLY] as [string, AuditMode], ...MODES]) {
    it(`prints roles that validate against the Kubernetes schemas (${what})`, () => {
      const objects = rbacObjects(accessPlan(example, mode)).map((o) => o.object);
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) {
        const model = o.kind === "Role" ? new Role(o as never) : new ClusterRole(o as never);
        expect(() => model.validate()).not.toThrow();
      }
    });
  }

  it("the schema check can fail (negative control)", () => {
    const { object } = rbacObjects(accessPlan(example, READ_ONLY))[0]!;
    expect(() => new ClusterRole({ ...object, rules: [{ verbs: "list" }] } as never).validate()).toThrow();
  });

  it("the YAML parses back to the same roles, each rule preceded by the claims needing it, and read-only holds only read verbs", () => {
    const plan = accessPlan(example, READ_ONLY);
    const text = renderRbac(plan, ["header line"]);
    const docs = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; rules: { verbs: string[] }[] });
    expect(docs).toEqual(rbacObjects(plan).map((o) => o.object));
    expect(text).toMatch(/^# header line\n/);
    expect(text).toMatch(/# needed by A2\n {2}- apiGroups:/);
    for (const d of docs) for (const r of d.rules) for (const v of r.verbs) expect(READ_VERBS).toContain(v);
  });

  it("a claim that cannot run gets no rule: read-only roles grant T2 nothing, and F1, F2, T1, T3 only the reads that find the agents and policies", () => {
    const rules = plannedRules(accessPlan(example, READ_ONLY));
    expect(rules.some((r) => r.claims.includes("T2"))).toBe(false);
    for (const c of ["F1", "F2", "T1", "T3"]) {
      const granted = rules.filter((r) => r.claims.includes(c as never));
      expect(granted.length).toBeGreaterThan(0);
      for (const r of granted) expect(r.verbs.every((v) => READ_VERBS.includes(v)) && !r.resources.some((x) => x.includes("/"))).toBe(true);
    }
    expect(rules.find((r) => r.resources[0] === "tracingpolicies")?.claims).toEqual(["T1", "T3"]);
    expect(rules.find((r) => r.namespace === "falco" && r.resources[0] === "pods")?.claims).toEqual(["F1", "F2", "T3"]);
    const attack = plannedRules(accessPlan(example, { attack: true, applyPolicy: false }));
    expect(attack.find((r) => r.resources[0] === "pods/exec" && r.namespace === "payments")?.claims).toEqual(["A2", "F1", "F2", "T1", "T2", "T3", "L1"]);
  });

  it("audit rbac --attack for the kind target grants exec only in the workload's namespace, and --apply-policy adds only T1's tetra exec in Tetragon's: none for etcd or psql", () => {
    const kind = kindTarget("secretproof");
    const rules = plannedRules(accessPlan(kind, { attack: true, applyPolicy: true }));
    const exec = rules.filter((r) => r.resources.includes("pods/exec"));
    expect(exec.map((r) => r.namespace).sort()).toEqual([kind.workload.namespace, (kind.tetragon as { namespace: string }).namespace].sort());
    expect(exec.filter((r) => r.namespace !== kind.workload.namespace).flatMap((r) => r.claims)).toEqual(["T1"]);
    expect(rules.some((r) => r.claims.some((c) => ["A1", "D1", "D2", "D3"].includes(c)))).toBe(false);
    const execIn = rbacObjects(accessPlan(kind, { attack: true, applyPolicy: false })).filter((o) => o.object.rules.some((r) => r.resources.includes("pods/exec")));
    expect(execIn.map((o) => o.object.metadata.namespace)).toEqual([kind.workload.namespace]);
  });
});
