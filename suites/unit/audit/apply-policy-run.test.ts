import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyPolicyAccess, auditProbe, canaryPod, NEEDS_ATTACK, runWithAppliedPolicy, type ApplyPolicyRun } from "../../../harness/audit/apply-policy-run.ts";
import type { PodJson } from "../../../harness/audit/agents.ts";
import { readPolicyFile } from "../../../harness/audit/policy-file.ts";
import type { PolicyKube } from "../../../harness/audit/policy-kube.ts";
import type { SignalHooks } from "../../../harness/audit/policy-lifecycle.ts";
import { POLICY_LAYOUT, type PolicyRecord } from "../../../harness/audit/policy-record.ts";
import type { AccessAnswer } from "../../../harness/audit/preflight-judge.ts";
import { describePermission } from "../../../harness/audit/permissions.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { PermanentError } from "../../../harness/core/errors.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import type { KubectlExecOptions } from "../../../harness/kube/kubectl.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { policyFlag } from "../../../harness/audit/policy-flags.ts";
import { policyText } from "../../../harness/tetragon/policy.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit/kubectl");
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as { items?: PodJson[] };
const target = kindTarget("secretproof");
const RUN = "20261201T184700Z-a1b2c3";
const NAME = "secretproof-block-secret-readers";

/** A cluster where a created policy is loaded at once: the agent lists it enforcing and a canary read is killed until it is deleted. */
function cluster(opts: { before?: { canaryExit?: number; canaryOut?: string; tetraFails?: boolean }; podAfter?: (p: PodJson) => PodJson } = {}) {
  const objects = new Map<string, string>();
  const calls: string[] = [];
  // kubectl relays a container's exit code in this line (harness/kube/exec-exit.ts).
  const reply = (command: string, exitCode: number, stdout: string): ExecResult => ({ command, exitCode, stdout, stderr: exitCode ? `command terminated with exit code ${exitCode}\n` : "", startedAt: "", durationMs: 1 });
  const policy: PolicyKube = {
    context: "kind-secretproof",
    namespace: "test-dynamic",
    names: async () => (calls.push("names"), [...objects.keys()]),
    create: async (doc) => (calls.push(`create ${doc.metadata.name}`), objects.set(doc.metadata.name, "uid-1"), { uid: "uid-1" }),
    delete: async (name, uid) => (calls.push(`delete ${name} ${uid}`), objects.delete(name) ? "deleted" : "gone"),
    find: async () => undefined,
  };
  const exec = async (ns: string, pod: string, cmd: readonly string[], o: KubectlExecOptions = {}) => {
    calls.push(`exec ${ns}/${pod} -c ${o.container} ${cmd.join(" ")}${o.secretStdout ? " (secret stdout)" : ""}`);
    if (cmd[0] === "tetra") {
      if (opts.before?.tetraFails && !objects.size) throw new Error("kubectl exec tetragon-5wq9c -- tetra tracingpolicy list -o json exited 1: connection refused");
      const listed = [...objects.keys()].map((name) => ({ name, namespace: "test-dynamic", state: "TP_STATE_ENABLED", mode: "TP_MODE_ENFORCE" }));
      return reply("tetra tracingpolicy list -o json", 0, JSON.stringify({ policies: listed }));
    }
    if (objects.size) return reply("cat", 137, "");
    return reply("cat", opts.before?.canaryExit ?? 0, opts.before?.canaryOut ?? "v-kubernetes-dyn-a");
  };
  const read = {
    json: async <T>(args: readonly string[]) => {
      const cmd = args.join(" ");
      calls.push(`get: ${cmd}`);
      if (cmd === "-n test-dynamic get deployment secure-test-app") return JSON.parse(readFileSync(join(FIXTURES, "deployment.json"), "utf8")) as T;
      if (cmd === "-n test-dynamic get pods -l app.kubernetes.io/name=secure-test-app") return fixture("workload-pods.json") as T;
      if (cmd === "-n kube-system get pods -l app.kubernetes.io/name=tetragon") return fixture("tetragon-pods.json") as T;
      const one = /^-n test-dynamic get pod (\S+)$/.exec(cmd);
      const pod = one && fixture("workload-pods.json").items?.find((p) => p.metadata?.name === one[1]);
      if (pod) return (opts.podAfter ? opts.podAfter(structuredClone(pod)) : pod) as T;
      throw new Error(`unexpected kubectl ${cmd}`);
    },
  };
  return { objects, calls, handles: { read, exec: { exec }, policy } };
}

const noSignals: SignalHooks = { on: () => {}, off: () => {} };
const allowed = (denied: string[] = []) => async (plan: readonly { permissions: { permission: AccessAnswer["permission"] }[] }[]): Promise<AccessAnswer[]> =>
  plan.flatMap((c) => c.permissions.map(({ permission }) => ({ permission, status: { allowed: !denied.includes(describePermission(permission)) } })));

function options(c: ReturnType<typeof cluster>, over: Partial<ApplyPolicyRun> = {}): ApplyPolicyRun & { written: Map<string, unknown>; warnings: string[] } {
  const written = new Map<string, unknown>();
  const warnings: string[] = [];
  return {
    target, profile: PROFILES.ci, runId: RUN, file: readPolicyFile(policyText(), "policy.yaml"), handles: c.handles, reviewAccess: allowed(),
    write: async (rel, content) => void written.set(rel, content), warn: (t) => void warnings.push(t), signals: noSignals, exit: () => {},
    written, warnings, ...over,
  };
}

describe("--attack --apply-policy against a recorded cluster", () => {
  it("checks access, reads the workload and agents, checks the name, then applies, proves, attacks the canary's pod and removes, in that order", async () => {
    const c = cluster();
    const o = options(c);
    const { value } = await runWithAppliedPolicy(o, async ({ pod, node, proof }) => `attacked ${pod.name} on ${node} after ${proof.canaries.length} canary`);
    expect(value).toBe("attacked secure-test-app-7c9d8b5f6d-4x2kq on secretproof-worker after 1 canary");
    const tetra = "exec kube-system/tetragon-5wq9c -c tetragon tetra tracingpolicy list -o json";
    const cat = "exec test-dynamic/secure-test-app-7c9d8b5f6d-4x2kq -c web cat /mnt/secrets/db-username (secret stdout)";
    expect(c.calls).toEqual([
      "get: -n test-dynamic get deployment secure-test-app",
      "get: -n test-dynamic get pods -l app.kubernetes.io/name=secure-test-app",
      "get: -n kube-system get pods -l app.kubernetes.io/name=tetragon",
      "names",
      tetra, cat,
      `create ${NAME}`,
      tetra, cat,
      "get: -n test-dynamic get pod secure-test-app-7c9d8b5f6d-4x2kq",
      `delete ${NAME} uid-1`,
      tetra, cat,
    ]);
    expect((o.written.get(POLICY_LAYOUT.record) as PolicyRecord).removal).toMatchObject({ outcome: "deleted", proven: true });
  });

  it("refuses, before any read or write, an identity that could create the policy but not delete it", async () => {
    const c = cluster();
    const o = options(c, { reviewAccess: allowed(["delete tracingpoliciesnamespaced.cilium.io in test-dynamic"]) });
    await expect(runWithAppliedPolicy(o, async () => "never")).rejects.toThrow(
      /^--apply-policy is refused, nothing was applied: the identity lacks what applying, proving and removing the policy takes:\n {2}- missing delete tracingpoliciesnamespaced.cilium.io in test-dynamic \(to remove the applied policy from test-dynamic afterwards\): not allowed/,
    );
    expect(c.calls).toEqual([]);
  });

  it("refuses a name already taken in the namespace, creating and deleting nothing", async () => {
    const c = cluster();
    c.objects.set(NAME, "uid-theirs");
    await expect(runWithAppliedPolicy(options(c), async () => "never")).rejects.toThrow(/a TracingPolicyNamespaced named secretproof-block-secret-readers already exists in test-dynamic/);
    expect(c.calls.filter((x) => /^(create|delete|exec)/.test(x))).toEqual([]);
    expect(c.objects.get(NAME)).toBe("uid-theirs");
  });

  for (const [why, before, says] of [
    ["a canary already killed", { canaryExit: 137, canaryOut: "" }, "a canary `cat /mnt/secrets/db-username` in pod secure-test-app-7c9d8b5f6d-4x2kq is already killed (137): another policy enforces"],
    ["no cat in the image", { canaryExit: 127, canaryOut: "" }, "exited 127: no cat in the image"],
    ["tetra unreachable", { tetraFails: true }, "the Tetragon agent kube-system/tetragon-5wq9c is unreachable or answered no policy list"],
  ] as const) {
    it(`refuses before the create, naming why, when the checks before it find ${why}`, async () => {
      const c = cluster({ before });
      const err = (await runWithAppliedPolicy(options(c), async () => "never").then(() => new Error("resolved"), (e: unknown) => e)) as Error;
      expect(err).toBeInstanceOf(PermanentError);
      expect(err.message).toContain(says);
      expect(err.message).toMatch(/nothing was applied$/);
      expect(c.calls.filter((x) => /^(create|delete)/.test(x))).toEqual([]);
    });
  }

  it("a policy that made the canary pod's container restart is removed, named, and no attack runs", async () => {
    const c = cluster({ podAfter: (p) => ({ ...p, status: { ...p.status, containerStatuses: p.status?.containerStatuses?.map((s) => ({ ...s, restartCount: (s.restartCount ?? 0) + 1 })) } }) });
    let attacked = false;
    const err = (await runWithAppliedPolicy(options(c), async () => void (attacked = true)).then(() => new Error("resolved"), (e: unknown) => e)) as Error;
    expect(attacked).toBe(false);
    expect(err.message).toMatch(/the policy hurt the app: pod secure-test-app-7c9d8b5f6d-4x2kq container web restarted \(restartCount 0 -> 1\)/);
    expect(c.calls).toContain(`delete ${NAME} uid-1`);
    expect(c.objects.size).toBe(0);
  });

  it("the access it checks first covers create, delete and list of the policy, exec in the workload and in the Tetragon agent", () => {
    const needs = applyPolicyAccess(target).permissions.map((p) => describePermission(p.permission));
    for (const p of ["create tracingpoliciesnamespaced.cilium.io in test-dynamic", "delete tracingpoliciesnamespaced.cilium.io in test-dynamic", "list tracingpoliciesnamespaced.cilium.io in test-dynamic", "create pods/exec in test-dynamic", "create pods/exec in kube-system"]) {
      expect(needs).toContain(p);
    }
  });

  it("the canary pod is a ready workload pod, and the agent asked is the one on its node", () => {
    const { pod, node } = canaryPod(target, fixture("workload-pods.json"));
    expect([pod.name, node]).toEqual(["secure-test-app-7c9d8b5f6d-4x2kq", "secretproof-worker"]);
    expect(auditProbe(target, fixture("tetragon-pods.json"), "secretproof-worker2").agent).toEqual({ namespace: "kube-system", target: "tetragon-h7n2d", container: "tetragon" });
    const passwordFirst = { ...target, secrets: { ...target.secrets, files: ["pw", "user"], passwordFile: "pw" } };
    expect(auditProbe(passwordFirst, fixture("tetragon-pods.json"), "secretproof-worker").canaryPath).toBe("/mnt/secrets/user");
    expect(() => auditProbe(target, fixture("tetragon-pods.json"), "worker-9")).toThrow(PermanentError);
    expect(() => canaryPod(target, { items: [] })).toThrow(/no pod of Deployment test-dynamic\/secure-test-app has container web ready/);
    expect(NEEDS_ATTACK).toMatch(/^--apply-policy needs --attack/);
  });
});

describe("the --apply-policy flag", () => {
  it("is refused without --attack, saying that nothing would prove the kill", () => {
    expect(() => policyFlag({ applyPolicy: "p.yaml" })).toThrow(
      "--apply-policy needs --attack: the policy is proven only by the attacks run while it enforces, and without them nothing shows it kills; give both, or leave --apply-policy out",
    );
  });

  it("needs a file, and is absent when not given", () => {
    expect(() => policyFlag({ attack: true, applyPolicy: true })).toThrow(/^--apply-policy needs a FILE/);
    expect(policyFlag({ attack: true })).toBeUndefined();
    expect(policyFlag({ attack: true, applyPolicy: "p.yaml" })).toBe("p.yaml");
  });
});
