import { describe, expect, it } from "vitest";
import { placementOf, type PodJson } from "../../../harness/audit/agents.ts";
import { preparePolicy, readPolicyFile } from "../../../harness/audit/policy-file.ts";
import type { PolicyKube } from "../../../harness/audit/policy-kube.ts";
import { PolicyRemovalError, type PolicyLifecycle, type SignalHooks, withAppliedPolicy } from "../../../harness/audit/policy-lifecycle.ts";
import { POLICY_LAYOUT, type PolicyRecord, policySummary } from "../../../harness/audit/policy-record.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { PermanentError } from "../../../harness/core/errors.ts";
import { WaitTimeoutError } from "../../../harness/core/wait.ts";
import type { EnforcingProof, RemovalProof } from "../../../harness/tetragon/enforcing.ts";
import { policyText } from "../../../harness/tetragon/policy.ts";
import workloadPods from "../../../fixtures/audit/kubectl/workload-pods.json" with { type: "json" };

const RUN = "20261201T184700Z-a1b2c3";
const prepared = preparePolicy(readPolicyFile(policyText(), "policy.yaml"), kindTarget("secretproof"), { pods: placementOf(workloadPods as { items: PodJson[] }) }, RUN);
const NAME = prepared.doc.metadata.name;
const PROOF: EnforcingProof = { canaries: [{ startMs: 1_000, endMs: 1_050, exitCode: 137, stdoutBytes: 0 }], status: { name: NAME, namespace: "test-dynamic", state: "TP_STATE_ENABLED", mode: "TP_MODE_ENFORCE" }, provenAtMs: 1_050 };
const REMOVED: RemovalProof = { unlistedAtMs: 2_000, canaries: [{ startMs: 2_010, endMs: 2_040, exitCode: 0, stdoutBytes: 18 }], provenAtMs: 2_040 };

/** A cluster of TracingPolicyNamespaced objects, by name; every call is recorded. Someone else's policy is there from the start. */
function recordedCluster(opts: { createFails?: Error; deleteFails?: Error; createGate?: Promise<void> } = {}) {
  const objects = new Map<string, string>([["someone-elses-policy", "uid-theirs"]]);
  const calls: string[] = [];
  let next = 0;
  const kube: PolicyKube = {
    context: "kind-secretproof",
    namespace: "test-dynamic",
    names: async () => [...objects.keys()],
    async create(doc) {
      calls.push(`create ${doc.metadata.name}`);
      await opts.createGate;
      if (opts.createFails) throw opts.createFails;
      if (objects.has(doc.metadata.name)) throw new PermanentError(`create returned 409: already exists`);
      const uid = `uid-run-${++next}`;
      objects.set(doc.metadata.name, uid);
      return { uid };
    },
    async delete(name, uid) {
      calls.push(`delete ${name} ${uid}`);
      if (opts.deleteFails) throw opts.deleteFails;
      const have = objects.get(name);
      if (have === undefined) return "gone";
      if (have !== uid) throw new PermanentError(`delete returned 409: Precondition failed: UID in precondition: ${uid}, UID in object meta: ${have}`);
      objects.delete(name);
      return "deleted";
    },
  };
  return { kube, calls, objects };
}

/** Signals the test raises by hand, and the exit codes asked for. */
function fakeSignals() {
  const handlers = new Map<string, ((s: NodeJS.Signals) => void)[]>();
  const hooks: SignalHooks = {
    on: (s, h) => void handlers.set(s, [...(handlers.get(s) ?? []), h]),
    off: (s, h) => void handlers.set(s, (handlers.get(s) ?? []).filter((x) => x !== h)),
  };
  const exits: number[] = [];
  return { hooks, exits, raise: (s: NodeJS.Signals) => (handlers.get(s) ?? []).forEach((h) => h(s)), listening: () => [...handlers.values()].flat().length };
}

function lifecycle(cluster: ReturnType<typeof recordedCluster>, over: Partial<PolicyLifecycle> = {}) {
  const written = new Map<string, unknown>();
  const warnings: string[] = [];
  const sig = fakeSignals();
  const l: PolicyLifecycle = {
    kube: cluster.kube,
    proveEnforcing: async (doc) => (cluster.calls.push(`prove enforcing ${doc.metadata.name}`), PROOF),
    proveRemoved: async (doc) => (cluster.calls.push(`prove removed ${doc.metadata.name}`), REMOVED),
    write: async (rel, content) => void written.set(rel, structuredClone(content)),
    warn: (t) => void warnings.push(t),
    signals: sig.hooks,
    exit: (code) => void sig.exits.push(code),
    commandTimeoutMs: 1_000,
    ...over,
  };
  return { l, written, warnings, sig, record: () => written.get(POLICY_LAYOUT.record) as PolicyRecord };
}

describe("withAppliedPolicy: apply, prove enforcing, attack, always remove what this run created", () => {
  it("on success: create, enforcing proven, the attacks, delete by name and the created uid, unload proven; each recorded", async () => {
    const c = recordedCluster();
    const { l, written, sig, record } = lifecycle(c);
    const { value } = await withAppliedPolicy(l, prepared, async (ctx) => {
      c.calls.push(`attacks (enforcing since ${ctx.proof.provenAtMs})`);
      return "verdicts";
    });
    expect(value).toBe("verdicts");
    expect(c.calls).toEqual([`create ${NAME}`, `prove enforcing ${NAME}`, "attacks (enforcing since 1050)", `delete ${NAME} uid-run-1`, `prove removed ${NAME}`]);
    expect(c.objects.has(NAME)).toBe(false);
    expect(c.objects.get("someone-elses-policy")).toBe("uid-theirs");
    expect(written.get(POLICY_LAYOUT.applied)).toBe(prepared.yaml);
    const r = record();
    expect(r).toMatchObject({ name: NAME, uid: "uid-run-1", sha256: prepared.sha256, fileSha256: prepared.fileSha256, runLabel: { key: "secretproof.dev/run-id", value: RUN } });
    expect(r.enforcing).toMatchObject({ provenAt: "1970-01-01T00:00:01.050Z" });
    expect(r.removal).toMatchObject({ outcome: "deleted", proven: true, provenAt: "1970-01-01T00:00:02.040Z" });
    expect(policySummary(r)).toMatchObject({ removalProven: true, deleteOutcome: "deleted", enforcingProvenAt: "1970-01-01T00:00:01.050Z" });
    expect(sig.listening()).toBe(0);
  });

  it("when the attacks fail: the policy is still deleted and proven unloaded, and the attacks' error is thrown", async () => {
    const c = recordedCluster();
    const { l, record } = lifecycle(c);
    await expect(withAppliedPolicy(l, prepared, () => Promise.reject(new Error("exec into the pod failed")))).rejects.toThrow("exec into the pod failed");
    expect(c.calls.slice(-2)).toEqual([`delete ${NAME} uid-run-1`, `prove removed ${NAME}`]);
    expect(record().removal?.proven).toBe(true);
  });

  it("when enforcing is not proven in time: no attack runs, the policy is deleted, and the error says why", async () => {
    const c = recordedCluster();
    const timeout = new WaitTimeoutError(`TracingPolicyNamespaced test-dynamic/${NAME} to kill an unauthorized reader`, 30, 60_000, { canaryExit: 0 });
    const { l, record } = lifecycle(c, { proveEnforcing: () => Promise.reject(timeout) });
    let attacked = false;
    await expect(withAppliedPolicy(l, prepared, async () => void (attacked = true))).rejects.toThrow(/was not proven enforcing, so no attack was run: timed out waiting for/);
    expect(attacked).toBe(false);
    expect(c.calls).toEqual([`create ${NAME}`, `delete ${NAME} uid-run-1`, `prove removed ${NAME}`]);
    expect(record().enforcing).toEqual({ error: timeout.message });
  });

  it("when the create is refused (the name was taken meanwhile): nothing is deleted, not even the policy of that name", async () => {
    const c = recordedCluster();
    c.objects.set(NAME, "uid-someone-else");
    const { l, record } = lifecycle(c);
    await expect(withAppliedPolicy(l, prepared, async () => "never")).rejects.toThrow("create returned 409: already exists");
    expect(c.calls).toEqual([`create ${NAME}`]);
    expect(c.objects.get(NAME)).toBe("uid-someone-else");
    expect(record()).toMatchObject({ createError: "create returned 409: already exists", removal: { outcome: "not-created", proven: true } });
  });

  it("a policy replaced by someone else while the run held it is not deleted: the uid precondition fails, and the operator is told loudly", async () => {
    const c = recordedCluster();
    const { l, warnings, record } = lifecycle(c);
    const err = await withAppliedPolicy(l, prepared, async () => void c.objects.set(NAME, "uid-replaced")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PolicyRemovalError);
    expect(c.objects.get(NAME)).toBe("uid-replaced");
    expect(c.calls).not.toContain(`prove removed ${NAME}`);
    expect(warnings.join("\n")).toContain(`!!! Remove it by hand:\n!!!   kubectl --context kind-secretproof -n test-dynamic delete tracingpoliciesnamespaced.cilium.io ${NAME}`);
    expect(record().removal).toMatchObject({ outcome: "failed", proven: false, manualDelete: `kubectl --context kind-secretproof -n test-dynamic delete tracingpoliciesnamespaced.cilium.io ${NAME}` });
  });

  it("a failed delete fails the run even when the attacks passed, with the command that removes it by hand", async () => {
    const c = recordedCluster({ deleteFails: new Error("connection refused") });
    const { l } = lifecycle(c);
    await expect(withAppliedPolicy(l, prepared, async () => "ok")).rejects.toThrow(
      `TracingPolicyNamespaced test-dynamic/${NAME} could NOT be removed: connection refused; remove it by hand: kubectl --context kind-secretproof -n test-dynamic delete tracingpoliciesnamespaced.cilium.io ${NAME}`,
    );
  });

  it("a delete that gets no answer within waits.command is reported with the command that removes it by hand", async () => {
    const c = recordedCluster();
    const { l, warnings, record } = lifecycle(c, { kube: { ...c.kube, delete: () => new Promise(() => {}) }, commandTimeoutMs: 30 });
    await expect(withAppliedPolicy(l, prepared, async () => "ok")).rejects.toThrow(PolicyRemovalError);
    expect(record().removal).toMatchObject({ outcome: "failed", error: `the delete of TracingPolicyNamespaced test-dynamic/${NAME} got no answer within 30 ms (waits.command)` });
    expect(warnings.join("\n")).toContain("!!! Remove it by hand:");
  });

  it("a create that gets no answer may have created the policy: the operator gets the commands to check and remove it", async () => {
    const c = recordedCluster({ createGate: new Promise(() => {}) });
    const { l, warnings } = lifecycle(c, { commandTimeoutMs: 30 });
    await expect(withAppliedPolicy(l, prepared, async () => "never")).rejects.toThrow(/the create got no answer, so it may exist/);
    expect(c.calls).toEqual([`create ${NAME}`]);
    expect(warnings.join("\n")).toContain(`kubectl --context kind-secretproof -n test-dynamic get tracingpoliciesnamespaced.cilium.io ${NAME}`);
  });

  it("an unproven unload is recorded and fails the run", async () => {
    const c = recordedCluster();
    const { l, record } = lifecycle(c, { proveRemoved: () => Promise.reject(new Error("timed out waiting for the unload")) });
    await expect(withAppliedPolicy(l, prepared, async () => "ok")).rejects.toThrow(/was deleted but Tetragon was not proven to unload it \(waits.policyEnforcing\): timed out waiting for the unload/);
    expect(record().removal).toMatchObject({ outcome: "deleted", proven: false });
  });
});

describe("Ctrl-C (SIGINT) and SIGTERM remove the policy before the process exits", () => {
  it("SIGINT during the attacks aborts them, deletes the policy, proves the unload, writes the record, then exits 130", async () => {
    const c = recordedCluster();
    const { l, sig, record } = lifecycle(c);
    const done = withAppliedPolicy(l, prepared, (ctx) => {
      sig.raise("SIGINT");
      expect(ctx.signal.aborted).toBe(true);
      return Promise.reject(ctx.signal.reason as Error);
    }).catch((e: unknown) => e);
    await expect(done).resolves.toBeInstanceOf(Error);
    await new Promise((r) => setImmediate(r));
    expect(c.calls.filter((x) => x.startsWith("delete"))).toEqual([`delete ${NAME} uid-run-1`]);
    expect(sig.exits).toEqual([130]);
    expect(record()).toMatchObject({ interrupted: "SIGINT", removal: { outcome: "deleted", proven: true } });
  });

  it("SIGTERM while the create is in flight waits for its answer and deletes what it created, then exits 143", async () => {
    let open!: () => void;
    const c = recordedCluster({ createGate: new Promise<void>((r) => (open = r)) });
    const { l, sig } = lifecycle(c);
    const done = withAppliedPolicy(l, prepared, async () => "never").catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    sig.raise("SIGTERM");
    open();
    await done;
    await new Promise((r) => setImmediate(r));
    expect(c.calls).toEqual([`create ${NAME}`, `delete ${NAME} uid-run-1`, `prove removed ${NAME}`]);
    expect(sig.exits).toEqual([143]);
  });

  it("a second SIGINT stops at once and prints the command that removes the policy by hand", async () => {
    const c = recordedCluster();
    const { l, sig, warnings } = lifecycle(c, { proveRemoved: (_doc, signal) => (signal.aborted ? Promise.reject(signal.reason as Error) : new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error)))) });
    const done = withAppliedPolicy(l, prepared, () => {
      sig.raise("SIGINT");
      sig.raise("SIGINT");
      return Promise.reject(new Error("interrupted"));
    }).catch((e: unknown) => e);
    await done;
    expect(sig.exits[0]).toBe(130);
    expect(warnings.join("\n")).toContain(`SIGINT again: stopping without waiting for the removal. If TracingPolicyNamespaced test-dynamic/${NAME} is still there, remove it by hand:`);
  });
});
