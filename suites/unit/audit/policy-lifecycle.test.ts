import { describe, expect, it, vi } from "vitest";
import { placementOf, type PodJson } from "../../../harness/audit/agents.ts";
import { AfterRemoval, type ProvenRemoval } from "../../../harness/audit/after-removal.ts";
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
function recordedCluster(opts: { createFails?: Error; deleteFails?: Error; createGate?: Promise<void>; commitThenHang?: boolean } = {}) {
  const objects = new Map<string, string>([["someone-elses-policy", "uid-theirs"]]);
  const labels = new Map<string, Record<string, string>>();
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
      labels.set(doc.metadata.name, doc.metadata.labels ?? {});
      // The API server committed it, but its answer never arrives.
      if (opts.commitThenHang) await new Promise(() => {});
      return { uid };
    },
    async find(name, label) {
      calls.push(`find ${name} ${label.key}=${label.value}`);
      const uid = objects.get(name);
      const l = labels.get(name) ?? {};
      return uid !== undefined && l[label.key] === label.value ? { uid, labels: l } : undefined;
    },
    // As openPolicyKube maps the API server's answers: 404 gone, 409 (uid precondition) replaced.
    async delete(name, uid) {
      calls.push(`delete ${name} ${uid}`);
      if (opts.deleteFails) throw opts.deleteFails;
      const have = objects.get(name);
      if (have === undefined) return "gone";
      if (have !== uid) return "replaced";
      objects.delete(name);
      return "deleted";
    },
  };
  return { kube, calls, objects, labels };
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
    signalGraceMs: 100,
    now: () => 0,
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
    // Nothing was created, so no unload was proven: the record says not-created, never "proven".
    expect(record()).toMatchObject({ createError: "create returned 409: already exists", removal: { outcome: "not-created", proven: false } });
    expect(record().removal?.manualDelete).toBeUndefined();
  });

  it("a policy replaced by someone else while the run held it is not deleted: the uid precondition's 409 means ours is gone, and no delete command is printed", async () => {
    const c = recordedCluster();
    const { l, warnings, record } = lifecycle(c);
    await withAppliedPolicy(l, prepared, async () => void c.objects.set(NAME, "uid-replaced"));
    expect(c.objects.get(NAME)).toBe("uid-replaced");
    expect(c.calls).not.toContain(`prove removed ${NAME}`);
    expect(warnings.join("\n")).toContain("was replaced by another object (the delete's uid precondition failed); that object was not touched");
    expect(warnings.join("\n")).not.toContain("Remove it by hand");
    expect(record().removal).toMatchObject({ outcome: "replaced", proven: false });
    expect(record().removal?.manualDelete).toBeUndefined();
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

  it("a create that gets no answer and whose object is not found: the run looks for it by its run-id label, then gives the commands to check and remove it", async () => {
    const c = recordedCluster({ createGate: new Promise(() => {}) });
    const { l, warnings, record } = lifecycle(c, { commandTimeoutMs: 30 });
    await expect(withAppliedPolicy(l, prepared, async () => "never")).rejects.toThrow(/the create got no answer, so it may exist/);
    expect(c.calls).toEqual([`create ${NAME}`, `find ${NAME} secretproof.dev/run-id=${RUN}`]);
    expect(warnings.join("\n")).toContain(`kubectl --context kind-secretproof -n test-dynamic get tracingpoliciesnamespaced.cilium.io ${NAME}`);
    expect(record().removal).toMatchObject({ outcome: "not-created", proven: false });
    expect(record().removal?.error).toContain("nothing has the name yet (the create may still commit)");
  });

  it("a create committed whose answer was lost: the object carrying this run's label is deleted by its uid and its unload proven, with no manual command", async () => {
    const c = recordedCluster({ commitThenHang: true });
    const { l, warnings, record } = lifecycle(c, { commandTimeoutMs: 30 });
    await expect(withAppliedPolicy(l, prepared, async () => "never")).rejects.toThrow(/got no answer within 30 ms/);
    expect(c.calls).toEqual([`create ${NAME}`, `find ${NAME} secretproof.dev/run-id=${RUN}`, `delete ${NAME} uid-run-1`, `prove removed ${NAME}`]);
    expect(c.objects.has(NAME)).toBe(false);
    expect(record()).toMatchObject({ uid: "uid-run-1", removal: { outcome: "deleted", proven: true } });
    expect(warnings.join("\n")).not.toContain("remove it by hand");
  });

  it("after a create without answer, an object of that name from another run is not touched, and the operator gets the commands", async () => {
    const c = recordedCluster({ createGate: new Promise(() => {}) });
    c.objects.set(NAME, "uid-other");
    c.labels.set(NAME, { "secretproof.dev/run-id": "20261130T000000Z-ffffff" });
    const { l, warnings } = lifecycle(c, { commandTimeoutMs: 30 });
    await expect(withAppliedPolicy(l, prepared, async () => "never")).rejects.toThrow(/the create got no answer, so it may exist/);
    expect(c.calls.filter((x) => x.startsWith("delete"))).toEqual([]);
    expect(c.objects.get(NAME)).toBe("uid-other");
    expect(warnings.join("\n")).toContain("remove it by hand");
  });

  it("an unproven unload is recorded and fails the run", async () => {
    const c = recordedCluster();
    const { l, record } = lifecycle(c, { proveRemoved: () => Promise.reject(new Error("timed out waiting for the unload")) });
    await expect(withAppliedPolicy(l, prepared, async () => "ok")).rejects.toThrow(/was deleted but Tetragon was not proven to unload it \(waits.policyEnforcing\): timed out waiting for the unload/);
    expect(record().removal).toMatchObject({ outcome: "deleted", proven: false });
  });
});

describe("Ctrl-C (SIGINT), SIGTERM and SIGHUP remove the policy, then the run finishes its bundle", () => {
  it("SIGINT during the attacks aborts them, deletes the policy, proves the unload and records the signal; nothing exits the process", async () => {
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
    expect(sig.exits).toEqual([]);
    expect(record()).toMatchObject({ interrupted: "SIGINT", removal: { outcome: "deleted", proven: true } });
    expect(sig.listening()).toBe(0);
  });

  it("after SIGINT the run finishes only once both the removal and the attacks' own closing have settled: their streams are closed first", async () => {
    const c = recordedCluster();
    const { l, sig, record } = lifecycle(c);
    let closeStreams!: () => void;
    let settled = false;
    const done = withAppliedPolicy(l, prepared, async (ctx) => {
      sig.raise("SIGINT");
      // The attacks stop on the signal but still close their session and streams.
      await new Promise<void>((r) => (closeStreams = r));
      c.calls.push("streams closed");
      throw ctx.signal.reason as Error;
    }).then(
      () => (settled = true),
      () => (settled = true),
    );
    await vi.waitFor(() => expect(record()?.removal).toMatchObject({ outcome: "deleted", proven: true }));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    closeStreams();
    await done;
    expect(c.calls.slice(-1)).toEqual(["streams closed"]);
    expect(sig.exits).toEqual([]);
  });

  it("SIGTERM while the create is in flight waits for its answer and deletes what it created", async () => {
    let open!: () => void;
    const c = recordedCluster({ createGate: new Promise<void>((r) => (open = r)) });
    const { l, sig, record } = lifecycle(c);
    const done = withAppliedPolicy(l, prepared, async () => "never").catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    sig.raise("SIGTERM");
    open();
    await done;
    expect(c.calls).toEqual([`create ${NAME}`, `delete ${NAME} uid-run-1`, `prove removed ${NAME}`]);
    expect(sig.exits).toEqual([]);
    expect(record().interrupted).toBe("SIGTERM");
  });

  it("SIGHUP is heard like SIGTERM: the policy is removed and the signal recorded", async () => {
    const c = recordedCluster();
    const { l, sig, record } = lifecycle(c);
    await withAppliedPolicy(l, prepared, (ctx) => (sig.raise("SIGHUP"), Promise.reject(ctx.signal.reason as Error))).catch(() => undefined);
    expect(record()).toMatchObject({ interrupted: "SIGHUP", removal: { outcome: "deleted", proven: true } });
  });

  /** A removal whose unload proof waits until aborted; the clock is set by the test. */
  function hangingUnload(over: Partial<PolicyLifecycle> = {}) {
    const c = recordedCluster();
    const clock = { t: 0 };
    const it = lifecycle(c, { now: () => clock.t, proveRemoved: (_doc, signal) => new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason as Error))), ...over });
    return { c, clock, ...it };
  }

  it("one Ctrl-C that npm forwards a second time a few ms later is not a second Ctrl-C: the removal goes on", async () => {
    const { clock, l, sig, warnings, record } = hangingUnload({ proveRemoved: async () => REMOVED });
    await withAppliedPolicy(l, prepared, (ctx) => {
      sig.raise("SIGINT");
      clock.t = 3;
      sig.raise("SIGINT");
      return Promise.reject(ctx.signal.reason as Error);
    }).catch(() => undefined);
    expect(sig.exits).toEqual([]);
    expect(warnings.join("\n")).not.toContain("again: stopping");
    expect(record().removal).toMatchObject({ outcome: "deleted", proven: true });
  });

  it("a second SIGINT after the delete was sent and past waits.poll stops at once, printing the command that removes the policy by hand", async () => {
    const { clock, l, sig, warnings } = hangingUnload();
    const done = withAppliedPolicy(l, prepared, (ctx) => (sig.raise("SIGINT"), Promise.reject(ctx.signal.reason as Error))).catch((e: unknown) => e);
    await new Promise((r) => setImmediate(r));
    expect(warnings.join("\n")).toContain("press Ctrl-C again to stop without waiting");
    clock.t = 101;
    sig.raise("SIGINT");
    await done;
    expect(sig.exits).toEqual([130]);
    expect(warnings.join("\n")).toContain(`SIGINT again: stopping without waiting for the removal. If TracingPolicyNamespaced test-dynamic/${NAME} is still there, remove it by hand:`);
  });
});

describe("withAppliedPolicy: what the attacks leave for after the removal runs only once the unload is proven, and their finish always", () => {
  function staged(c: ReturnType<typeof recordedCluster>, o: { afterFails?: Error } = {}) {
    const seen: ProvenRemoval[] = [];
    const next = new AfterRemoval<string>(
      async (removal) => {
        c.calls.push("after removal");
        seen.push(removal);
        if (o.afterFails) throw o.afterFails;
      },
      async () => (c.calls.push("finish"), "verdicts with the read after removal"),
    );
    return { next, seen };
  }

  it("with the delete answered and the unload proven: the continuation gets the removal's time and proof, then the finish gives the value", async () => {
    const c = recordedCluster();
    const { l, sig } = lifecycle(c);
    const { next, seen } = staged(c);
    const { value } = await withAppliedPolicy(l, prepared, async () => next);
    expect(value).toBe("verdicts with the read after removal");
    expect(c.calls).toEqual([`create ${NAME}`, `prove enforcing ${NAME}`, `delete ${NAME} uid-run-1`, `prove removed ${NAME}`, "after removal", "finish"]);
    expect(seen).toEqual([{ removedAtMs: expect.any(Number) as number, proof: REMOVED }]);
    expect(sig.listening()).toBe(0);
  });

  it("an unload not proven runs no continuation, only the finish, and the removal's failure is thrown", async () => {
    const c = recordedCluster();
    const { l } = lifecycle(c, { proveRemoved: () => Promise.reject(new Error("the agent still lists it")) });
    const { next, seen } = staged(c);
    await expect(withAppliedPolicy(l, prepared, async () => next)).rejects.toThrow(PolicyRemovalError);
    expect(seen).toEqual([]);
    expect(c.calls.slice(-1)).toEqual(["finish"]);
  });

  it("a delete that failed runs no continuation, only the finish", async () => {
    const c = recordedCluster({ deleteFails: new Error("delete returned 403") });
    const { l } = lifecycle(c);
    const { next, seen } = staged(c);
    await expect(withAppliedPolicy(l, prepared, async () => next)).rejects.toThrow(/could NOT be removed/);
    expect(seen).toEqual([]);
    expect(c.calls.slice(-1)).toEqual(["finish"]);
  });

  it("an interrupt runs no continuation, even with the unload proven; the finish still runs", async () => {
    const c = recordedCluster();
    const { l, sig, record } = lifecycle(c);
    const { next, seen } = staged(c);
    await withAppliedPolicy(l, prepared, async () => (sig.raise("SIGINT"), next));
    expect(record()).toMatchObject({ interrupted: "SIGINT", removal: { proven: true } });
    expect(seen).toEqual([]);
    expect(c.calls.slice(-1)).toEqual(["finish"]);
  });

  it("a continuation that fails still lets the finish run, then its error is thrown", async () => {
    const c = recordedCluster();
    const { l } = lifecycle(c);
    const { next } = staged(c, { afterFails: new Error("exec of cat failed") });
    await expect(withAppliedPolicy(l, prepared, async () => next)).rejects.toThrow("exec of cat failed");
    expect(c.calls.slice(-2)).toEqual(["after removal", "finish"]);
  });
});
