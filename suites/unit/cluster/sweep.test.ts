import { describe, expect, it } from "vitest";
import { sweepCommands, sweepControlRoles } from "../../../harness/cluster/run/sweep.ts";
import { leftoverControlRoles, newControlRoleName } from "../../../harness/claims/dynamic/control-role.ts";
import type { InPodPostgres } from "../../../harness/postgres/in-pod.ts";
import { managedLabels } from "../../../clusters/names.ts";
import { configMapObject, namespaceObject, secretObject } from "../../../harness/etcd/canary.ts";
import { renderAppDeployment } from "../../../fixtures/manifests/app-deployment.ts";
import { loadPolicy } from "../../../harness/tetragon/policy.ts";
import { versions } from "../../../clusters/versions.ts";

/** Whether a kubectl equality selector ("k=v,k2" — a bare key means "has the label") matches labels. */
function matches(selector: string, labels: Record<string, string>): boolean {
  return selector.split(",").every((term) => {
    const [k = "", v] = term.split("=");
    return v === undefined ? k in labels : labels[k] === v;
  });
}

const labelsOf = (o: object) => (o as { metadata: { labels: Record<string, string> } }).metadata.labels;
const selectorOf = (args: string[]) => args[args.indexOf("-l") + 1] as string;

describe("the sweep of an earlier run's leftovers", () => {
  const [perRun = [], policy = []] = sweepCommands();

  it("finds every object a suite plants for one run", () => {
    for (const o of [namespaceObject("secretproof-a1", "r1"), secretObject("ns", "s", "r1", { v: "x" }), configMapObject("ns", "c", "r1", { v: "x" })]) {
      expect(matches(selectorOf(perRun), labelsOf(o))).toBe(true);
    }
  });

  it("leaves the objects `up` creates alone, since they carry no run id", () => {
    expect(matches(selectorOf(perRun), managedLabels())).toBe(false);
    expect(matches(selectorOf(perRun), renderAppDeployment(versions.images.app).metadata?.labels ?? {})).toBe(false);
  });

  it("removes a Tetragon policy left enforcing, which would turn phase 1's reads into kills", () => {
    expect(policy.slice(0, 2)).toEqual(["delete", "tracingpoliciesnamespaced.cilium.io"]);
    expect(matches(selectorOf(policy), loadPolicy().metadata.labels ?? {})).toBe(true);
  });
});

describe("the sweep of the control roles killed runs left", () => {
  /** Names as Vault's database plugin makes them: v-<display name, 8>-<role, 8>-<random 20>-<unix time>. */
  const issued = ["v-kubernet-secure-a-A1b2C3d4E5f6G7h8I9j0-1764590400", "v-root-secure-a-A1b2C3d4E5f6G7h8I9j0-1764590400", "v-token-secure-a-A1b2C3d4E5f6G7h8I9j0-1764590400"];

  it("selects exactly the names the collection gives its control roles", () => {
    const made = [newControlRoleName(), newControlRoleName()];
    expect(leftoverControlRoles(made.map((rolname) => ({ rolname })))).toEqual(made);
  });

  it("never selects a role Vault issued, nor a name that only starts like a control role", () => {
    const rows = [...issued, "v-secretproof-control-", "v-secretproof-control-abc", "v-secretproof-control-abcdef-x", "v-secretproof-control-ABCDEF", "postgres"].map((rolname) => ({ rolname }));
    expect(leftoverControlRoles(rows)).toEqual([]);
  });

  it("drops each selected role through psql and names it, and nothing else", async () => {
    const control = newControlRoleName();
    const dropped: string[] = [];
    const db = {
      roles: (prefix = "v-") => Promise.resolve({ at: "", pgNow: "", rows: [control, ...issued].filter((n) => n.startsWith(prefix)).map((rolname) => ({ rolname, rolvaliduntil: null, rolcanlogin: false })) }),
      dropRole: (name: string) => Promise.resolve(void dropped.push(name)),
    } as unknown as InPodPostgres;
    expect(await sweepControlRoles(db)).toEqual([`role ${control} dropped in postgres/postgres-0`]);
    expect(dropped).toEqual([control]);
  });
});
