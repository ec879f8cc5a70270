import { describe, expect, it } from "vitest";
import type { ExecResult } from "../../../harness/core/exec.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { policyFailure, removalCanaryState, waitEnforcing, waitRemoved } from "../../../harness/tetragon/enforcing.ts";
import { findStatus, loadPolicy, parsePolicyList } from "../../../harness/tetragon/policy.ts";
import { POD } from "../../support/falco-samples.ts";

/**
 * `tetra tracingpolicy list -o json` as Tetragon 1.7.0 prints it: protojson
 * with proto names, fields in field-number order, 64-bit integers as strings,
 * enums by name, empty fields omitted (a policy that is not enabled has no
 * mode and no stats: pkg/sensors/collection.go:117-120, 143-146), and
 * protojson's deliberate random space after some commas.
 */
const LIST = "tetra tracingpolicy list -o json";
const policy = loadPolicy();
const loadError =
  '{"policies":[{"id":"4", "name":"secretproof-block-secret-readers", "namespace":"test-dynamic", "sensors":["generic_kprobe"], "filter_id":"3",' +
  '"error":"sensor generic_kprobe from collection secretproof-block-secret-readers failed to load: failed prog /var/lib/tetragon/bpf_generic_kprobe_v61.o kern_version 396800 loadInstance: load program: permission denied", "state":"TP_STATE_LOAD_ERROR"}]}';
const lifetimeError =
  '{"policies":[{"id":"4", "name":"secretproof-block-secret-readers", "namespace":"test-dynamic", "sensors":["generic_kprobe"], "filter_id":"3",' +
  '"error":"failed to unload tracing policy \\"secretproof-block-secret-readers\\": sensor generic_kprobe not loaded", "state":"TP_STATE_ERROR"}]}';
const loading = '{"policies":[{"id":"4", "name":"secretproof-block-secret-readers", "namespace":"test-dynamic", "sensors":["generic_kprobe"], "filter_id":"3","state":"TP_STATE_LOADING"}]}';
const enabled =
  '{"policies":[{"id":"4", "name":"secretproof-block-secret-readers", "namespace":"test-dynamic", "sensors":["generic_kprobe"], "enabled":true,"filter_id":"3", ' +
  '"state":"TP_STATE_ENABLED","kernel_memory_bytes":"4399104", "mode":"TP_MODE_ENFORCE","stats":{"action_counters":{"signal":"2"}}}]}';
const status = (json: string) => findStatus(parsePolicyList(json, LIST), policy);

describe("a TracingPolicy the Tetragon agent gave up on fails at once, naming its state and error", () => {
  it("reads TP_STATE_LOAD_ERROR and the agent's error from tetra's JSON", () => {
    expect(policyFailure(status(loadError), policy)).toBe(
      "the Tetragon agent reports TracingPolicyNamespaced test-dynamic/secretproof-block-secret-readers in state TP_STATE_LOAD_ERROR " +
        "(`tetra tracingpolicy list -o json` in the agent), error: sensor generic_kprobe from collection secretproof-block-secret-readers failed to load: " +
        "failed prog /var/lib/tetragon/bpf_generic_kprobe_v61.o kern_version 396800 loadInstance: load program: permission denied; " +
        "it does not retry a policy that failed to load: fix the policy or the agent and apply it again",
    );
  });

  it("reads TP_STATE_ERROR (failed during its lifetime) the same way", () => {
    expect(policyFailure(status(lifetimeError), policy)).toMatch(/in state TP_STATE_ERROR .* error: failed to unload tracing policy "secretproof-block-secret-readers"/);
  });

  it("keeps waiting while the policy loads, is unknown (state omitted) or not listed, and once it is enabled", () => {
    expect(policyFailure(status(loading), policy)).toBeUndefined();
    expect(policyFailure(status('{"policies":[{"id":"4", "name":"secretproof-block-secret-readers", "namespace":"test-dynamic"}]}'), policy)).toBeUndefined();
    expect(policyFailure(status("{}"), policy)).toBeUndefined();
    expect(status(enabled)).toMatchObject({ state: "TP_STATE_ENABLED", mode: "TP_MODE_ENFORCE" });
    expect(policyFailure(status(enabled), policy)).toBeUndefined();
  });

  it("ignores a failed policy of the same name in another namespace", () => {
    expect(policyFailure(status(loadError.replace('"test-dynamic"', '"other"')), policy)).toBeUndefined();
  });

  it("says what printed output that is not JSON", () => {
    expect(() => parsePolicyList("Error: failed to connect", "kubectl exec ds/tetragon -- tetra tracingpolicy list -o json")).toThrow(
      /^kubectl exec ds\/tetragon -- tetra tracingpolicy list -o json did not print JSON: Error: failed to connect$/,
    );
  });

  it("waitEnforcing stops at the first listing in a failed state, before any canary read and long before its timeout", async () => {
    const execs: string[][] = [];
    const reply = (command: string, stdout: string): ExecResult => ({ command, exitCode: 0, stdout, stderr: "", startedAt: "", durationMs: 1 });
    const never = () => Promise.reject(new Error("not used"));
    const kube: Kubectl = {
      context: "kind-test", run: never, json: never, apply: never, rolloutStatus: never,
      exec: async (_ns, _pod, cmd) => {
        execs.push([...cmd]);
        return cmd[0] === "tetra" ? reply(`kubectl exec ds/tetragon -- ${LIST}`, loadError) : reply("kubectl exec cat", "");
      },
    };
    const started = Date.now();
    await expect(waitEnforcing(kube, POD, policy, { timeoutMs: 60_000, intervalMs: 1_000 }, 1_000)).rejects.toThrow(
      /to kill an unauthorized reader: the Tetragon agent reports .* in state TP_STATE_LOAD_ERROR/,
    );
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(execs).toEqual([["tetra", "tracingpolicy", "list", "-o", "json"]]);
  });
});

describe("a removed policy is proven unloaded by a read that succeeds, not by the agent's list alone", () => {
  it("keeps waiting on a canary that is still killed after the policy is unlisted (Tetragon detaches the programs after unlisting)", () => {
    expect(removalCanaryState({ startMs: 0, endMs: 5, exitCode: 137, stdoutBytes: 0 })).toEqual({
      done: false,
      state: "the policy is unlisted, but a canary read was still killed (exit 137): the agent has not detached its programs yet",
    });
    expect(removalCanaryState({ startMs: 0, endMs: 5, exitCode: 0, stdoutBytes: 0 })).toMatchObject({ done: false });
    expect(removalCanaryState({ startMs: 0, endMs: 5, exitCode: 0, stdoutBytes: 18 })).toEqual({ done: true });
  });

  it("waitRemoved reads no canary while the policy is listed, then reads until one succeeds, and records every canary", async () => {
    const execs: string[] = [];
    const lists = [enabled, "{}"];
    const cats = [137, 0];
    const reply = (command: string, exitCode: number, stdout: string): ExecResult => ({
      command, exitCode, stdout, stderr: exitCode ? `command terminated with exit code ${exitCode}\n` : "", startedAt: "", durationMs: 1,
    });
    const never = () => Promise.reject(new Error("not used"));
    const kube: Kubectl = {
      context: "kind-test", run: never, json: never, apply: never, rolloutStatus: never,
      exec: async (_ns, _pod, cmd) => {
        execs.push(cmd[0] as string);
        if (cmd[0] === "tetra") return reply(LIST, 0, lists.shift() ?? "{}");
        const code = cats.shift() ?? 0;
        return reply("kubectl exec cat", code, code ? "" : "v-kubernetes-dyn-a");
      },
    };
    const proof = await waitRemoved(kube, POD, policy, { timeoutMs: 10_000, intervalMs: 1 }, 1_000);
    expect(execs).toEqual(["tetra", "tetra", "cat", "cat"]);
    expect(proof.canaries.map((c) => c.exitCode)).toEqual([137, 0]);
    expect(proof.provenAtMs).toBe(proof.canaries[1]?.endMs);
    expect(proof.unlistedAtMs).toBeLessThanOrEqual(proof.canaries[0]?.startMs ?? 0);
  });
});
