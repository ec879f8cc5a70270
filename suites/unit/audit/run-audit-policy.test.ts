import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accessPlan } from "../../../harness/audit/access-plan.ts";
import { placementOf, type PodJson } from "../../../harness/audit/agents.ts";
import { preparePolicy, readPolicyFile } from "../../../harness/audit/policy-file.ts";
import { withAppliedPolicy } from "../../../harness/audit/policy-lifecycle.ts";
import { POLICY_LAYOUT, type PolicyRecord } from "../../../harness/audit/policy-record.ts";
import type { ApplyPolicy, PolicyBinding } from "../../../harness/audit/policy-step.ts";
import { permissionsToCheck } from "../../../harness/audit/preflight-judge.ts";
import { runAudit, type AuditIo } from "../../../harness/audit/run-audit.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { RUN_JSON } from "../../../harness/evidence/recorder.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { policyText } from "../../../harness/tetragon/policy.ts";
import workloadPods from "../../../fixtures/audit/kubectl/workload-pods.json" with { type: "json" };

const target = kindTarget("secretproof");
const mode = { attack: true, applyPolicy: true };

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-audit-policy-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The real lifecycle over a cluster that creates and deletes as asked, its proofs answered at once. */
function bind(calls: string[], interrupt?: NodeJS.Signals): (b: PolicyBinding) => ApplyPolicy {
  return (b) => (attacks) => {
    const handlers: ((s: NodeJS.Signals) => void)[] = [];
    const prepared = preparePolicy(readPolicyFile(policyText(), "policy.yaml"), target, { pods: placementOf(workloadPods as { items: PodJson[] }) }, b.runId);
    const kube = {
      context: "kind-secretproof", namespace: "test-dynamic", names: async () => [],
      create: async () => (calls.push("create"), { uid: "u-1" }), delete: async () => (calls.push("delete"), "deleted" as const), find: async () => undefined,
    };
    const proof = { canaries: [{ startMs: 5, endMs: 6, exitCode: 137, stdoutBytes: 0 }], status: { name: prepared.doc.metadata.name }, provenAtMs: 6 };
    return withAppliedPolicy(
      { kube, proveEnforcing: async () => proof, proveRemoved: async () => ({ unlistedAtMs: 7, canaries: [], provenAtMs: 8 }), write: b.write, warn: () => {}, onRecord: b.onRecord, signals: { on: (_s, h) => void handlers.push(h), off: () => {} }, exit: () => { throw new Error("the process must not exit"); }, commandTimeoutMs: 1_000, signalGraceMs: 100 },
      prepared,
      // The interrupt arrives while the attacks run, once per heard signal handler (the first one counts).
      async (ctx) => interrupt ? (handlers[0]!(interrupt), Promise.reject(ctx.signal.reason as Error)) : attacks({ ...ctx, pod: { namespace: "test-dynamic", name: "secure-test-app-7c9d8b5f6d-4x2kq", container: "web" }, node: "secretproof-worker" }),
    );
  };
}

describe("an audit run with --attack --apply-policy (no Tetragon stream: the lifecycle alone)", () => {
  it("records the policy's lifecycle in the bundle and run.json, the report shows it, and T1-T3 say what it showed and that the enforcement phase did not run", async () => {
    const calls: string[] = [];
    const answers = permissionsToCheck(accessPlan(target, mode)).map((permission) => ({ permission, status: { allowed: true } }));
    const io: AuditIo = {
      kube: { json: async () => ({ items: [] }) as never },
      reviewAccess: async () => answers,
      checkOutside: async () => [],
      whoAmI: async () => ({ username: "auditor" }),
      applyPolicy: { source: "policy.yaml", bind: bind(calls) },
    };
    const result = await runAudit({ target, profile: PROFILES.ci, root, io, mode });
    expect(calls).toEqual(["create", "delete"]);
    const record = JSON.parse(await readFile(join(result.dir, POLICY_LAYOUT.record), "utf8")) as PolicyRecord;
    expect(record.runLabel.value).toBe(JSON.parse(await readFile(join(result.dir, RUN_JSON), "utf8")).runId);
    expect(record.removal).toMatchObject({ outcome: "deleted", proven: true });
    expect(await readFile(join(result.dir, POLICY_LAYOUT.applied), "utf8")).toContain("secretproof.dev/run-id");
    const run = JSON.parse(await readFile(join(result.dir, RUN_JSON), "utf8")) as { audit: { policy: { removalProven: boolean }; claims: { claim: string; reasons: string[] }[] } };
    expect(run.audit.policy.removalProven).toBe(true);
    const t1 = run.audit.claims.find((c) => c.claim === "T1")!;
    expect(t1.reasons[0]).toMatch(/^--apply-policy applied TracingPolicyNamespaced test-dynamic\/secretproof-block-secret-readers \(sha256 \w{12}…\), which killed an unauthorized canary reader from 1970-01-01T00:00:00.006Z, then was removed at \S+ and its unload proven; the enforcement phase did not run .*$/);
    expect(await readFile(join(result.dir, "report.md"), "utf8")).toContain("Applied policy TracingPolicyNamespaced test-dynamic/secretproof-block-secret-readers");
    expect((await verifyBundle(result.dir)).integrity).toEqual([]);
  });
});

describe("an interrupted --apply-policy run", () => {
  it("removes the policy, records the signal, starts no observation window and still finalizes the bundle", async () => {
    const calls: string[] = [];
    const answers = permissionsToCheck(accessPlan(target, mode)).map((permission) => ({ permission, status: { allowed: true } }));
    const io: AuditIo = {
      kube: { json: async () => ({ items: [] }) as never },
      reviewAccess: async () => answers,
      checkOutside: async () => [{ access: "vault-token", ok: true, detail: "from VAULT_TOKEN" }, { access: "database", ok: true, detail: "from AUDIT_PG_URL" }],
      whoAmI: async () => ({ username: "auditor" }),
      applyPolicy: { source: "policy.yaml", bind: bind(calls, "SIGTERM") },
    };
    // A database reached by a connection string: D1-D3 are runnable, so the interrupt must be what stops their window.
    const withConnection = { ...target, database: { connection: { env: "AUDIT_PG_URL" } } };
    const result = await runAudit({ target: withConnection, profile: PROFILES.ci, root, io: { ...io, reviewAccess: async () => permissionsToCheck(accessPlan(withConnection, mode)).map((permission) => ({ permission, status: { allowed: true } })) }, mode });
    expect(calls).toEqual(["create", "delete"]);
    expect(result.record.policy).toMatchObject({ interrupted: "SIGTERM", removalProven: true });
    expect(result.record.policyError).toMatch(/interrupted by SIGTERM/);
    expect(result.record.claims.find((c) => c.claim === "D1")?.reasons).toContain("the run was interrupted by SIGTERM");
    expect((await verifyBundle(result.dir)).integrity).toEqual([]);
  });
});
