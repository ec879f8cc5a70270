import { describe, expect, it } from "vitest";
import type { ExecResult } from "../../../harness/core/exec.ts";
import type { KubectlExecOptions } from "../../../harness/kube/kubectl.ts";
import { waitEnforcing, waitRemoved } from "../../../harness/tetragon/enforcing.ts";
import { loadPolicy } from "../../../harness/tetragon/policy.ts";
import { POD } from "../../support/falco-samples.ts";

const policy = loadPolicy();
const enabled = JSON.stringify({ policies: [{ name: policy.metadata.name, namespace: policy.metadata.namespace, state: "TP_STATE_ENABLED", mode: "TP_MODE_ENFORCE" }] });

/** An agent that lists the policy until `unloaded`, and a canary killed until then; every exec recorded with its options. */
function recorded() {
  const execs: string[] = [];
  let unloaded = false;
  const reply = (exitCode: number, stdout: string): ExecResult => ({ command: "kubectl exec", exitCode, stdout, stderr: exitCode ? `command terminated with exit code ${exitCode}\n` : "", startedAt: "", durationMs: 1 });
  const kube = {
    exec: async (ns: string, target: string, cmd: readonly string[], o: KubectlExecOptions = {}) => {
      execs.push(`${ns} ${target} -c ${o.container} ${cmd.join(" ")}${o.secretStdout ? " (secret)" : ""}`);
      if (cmd[0] === "tetra") return reply(0, unloaded ? "{}" : enabled);
      return unloaded ? reply(0, "v-user") : reply(137, "");
    },
  };
  return { kube, execs, unload: () => void (unloaded = true) };
}

describe("the enforcing and unload proofs look where their probe says", () => {
  it("by default, as the suites always did: ds/tetragon in kube-system and the app's db-username, its output not withheld", async () => {
    const r = recorded();
    await waitEnforcing(r.kube, POD, policy, { timeoutMs: 5_000, intervalMs: 1 }, 1_000);
    expect(r.execs).toEqual([`kube-system ds/tetragon -c tetragon tetra tracingpolicy list -o json`, `${POD.namespace} ${POD.name} -c ${POD.container} cat /mnt/secrets/db-username`]);
  });

  it("with an audit's probe: the agent pod on the canary's node, the target's file, its bytes withheld", async () => {
    const r = recorded();
    const probe = { canaryPath: "/vault/secrets/user", secretCanary: true, agent: { namespace: "tetragon", target: "tetragon-abcde", container: "tetragon" } };
    await waitEnforcing(r.kube, POD, policy, { timeoutMs: 5_000, intervalMs: 1 }, 1_000, probe);
    r.unload();
    const removed = await waitRemoved(r.kube, POD, policy, { timeoutMs: 5_000, intervalMs: 1 }, 1_000, probe);
    expect(removed.canaries.map((c) => [c.exitCode, c.stdoutBytes])).toEqual([[0, 6]]);
    expect(new Set(r.execs)).toEqual(new Set([`tetragon tetragon-abcde -c tetragon tetra tracingpolicy list -o json`, `${POD.namespace} ${POD.name} -c ${POD.container} cat /vault/secrets/user (secret)`]));
  });
});
