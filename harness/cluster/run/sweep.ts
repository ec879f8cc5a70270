import { MANAGED_BY, NS, POSTGRES, RUN_ID_LABEL } from "../../../clusters/names.ts";
import { CONTROL_ROLE_PREFIX, leftoverControlRoles } from "../../claims/dynamic/control-role.ts";
import { inPodPostgres, kubectlShell, type InPodPostgres } from "../../postgres/in-pod.ts";
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

/**
 * Drops the D claims' control roles an earlier run left in Postgres (a run
 * stopped by a signal never closes its collection), through psql in
 * postgres-0 as the dynamic collection does; never a role Vault issued
 * (leftoverControlRoles). Returns a line per role dropped.
 */
export async function sweepControlRoles(db: InPodPostgres): Promise<string[]> {
  const left = leftoverControlRoles((await db.roles(CONTROL_ROLE_PREFIX)).rows);
  for (const name of left) await db.dropRole(name);
  return left.map((name) => `role ${name} dropped in ${NS.postgres}/${POSTGRES.pod}`);
}

/** Runs the sweep; returns kubectl's lines naming what it deleted, then the control roles dropped. */
export async function sweepLeftovers(kube: Kubectl, db: InPodPostgres = inPodPostgres(kubectlShell(kube, NS.postgres, POSTGRES.pod, POSTGRES.container))): Promise<string[]> {
  const deleted: string[] = [];
  for (const args of sweepCommands()) {
    const r = await kube.run(args, { okExitCodes: [1] });
    // a resource type the cluster does not serve (yet) has nothing to sweep
    if (r.exitCode !== 0 && !/doesn't have a resource type/.test(r.stderr)) {
      throw new Error(`${r.command} exited ${r.exitCode}: ${r.stderr.trim()}`);
    }
    deleted.push(...r.stdout.split("\n").filter((l) => l.trim() !== ""));
  }
  const roles = await sweepControlRoles(db).catch((err: unknown) => {
    throw new Error(`could not list or drop the control roles earlier runs left (${CONTROL_ROLE_PREFIX}*) through psql in ${NS.postgres}/${POSTGRES.pod}`, { cause: err });
  });
  return [...deleted, ...roles];
}
