import { MANAGED_BY, RUN_ID_LABEL } from "../../../clusters/names.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import { POLICY_RESOURCE } from "../../tetragon/policy.ts";

const managedBy = Object.entries(MANAGED_BY).map(([k, v]) => `${k}=${v}`).join(",");

/**
 * What an earlier, interrupted run may have left: objects a suite created for
 * one run (they carry a run-id label) and the Tetragon policy, whose presence
 * would turn phase 1's negative control into kills. `up`'s own objects carry
 * no run id and are left alone. It waits for the deletions, so a suite that
 * plants into the same namespace next never finds it terminating.
 */
export function sweepCommands(): string[][] {
  return [
    ["delete", "namespaces,secrets,configmaps", "--all-namespaces", "-l", `${managedBy},${RUN_ID_LABEL}`, "--ignore-not-found", "--wait=true"],
    ["delete", POLICY_RESOURCE, "--all-namespaces", "-l", managedBy, "--ignore-not-found"],
  ];
}

/** Runs the sweep; returns kubectl's lines naming what it deleted. */
export async function sweepLeftovers(kube: Kubectl): Promise<string[]> {
  const deleted: string[] = [];
  for (const args of sweepCommands()) {
    const r = await kube.run(args, { okExitCodes: [1] });
    // a resource type the cluster does not serve (yet) has nothing to sweep
    if (r.exitCode !== 0 && !/doesn't have a resource type/.test(r.stderr)) {
      throw new Error(`${r.command} exited ${r.exitCode}: ${r.stderr.trim()}`);
    }
    deleted.push(...r.stdout.split("\n").filter((l) => l.trim() !== ""));
  }
  return deleted;
}
