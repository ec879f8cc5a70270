import { basename, dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterName, DEFAULT_CLUSTER_NAME, mutationClusterName } from "../../../clusters/names.ts";
import { loadMutationCatalogue } from "../../../harness/mutations/catalogue.ts";
import { stateDir } from "../../../harness/cluster/state/state.ts";
import { toolsBinDir } from "../../../harness/tools/paths.ts";

describe("the cluster name", () => {
  it("is secretproof unless SECRETPROOF_CLUSTER names another", () => {
    expect(clusterName({})).toBe(DEFAULT_CLUSTER_NAME);
    expect(clusterName({ SECRETPROOF_CLUSTER: "ci-42" })).toBe("ci-42");
  });

  it("refuses names kind or a state directory cannot hold", () => {
    for (const bad of ["Upper", "-lead", "trail-", "a/b", "..", "x".repeat(33)]) {
      expect(() => clusterName({ SECRETPROOF_CLUSTER: bad }), bad).toThrow(/invalid cluster name/);
    }
  });

  it("refuses the name whose state directory holds the pinned CLIs, so `down` cannot delete them", () => {
    const env = { SECRETPROOF_STATE_DIR: "/state" };
    const toolsDir = basename(dirname(toolsBinDir(env)));
    expect(dirname(stateDir(toolsDir, env))).toBe(dirname(dirname(toolsBinDir(env))));
    expect(() => clusterName({ ...env, SECRETPROOF_CLUSTER: toolsDir })).toThrow(
      /invalid cluster name "tools" \(SECRETPROOF_CLUSTER\): its state directory would be the one holding the pinned CLIs/,
    );
  });
});

describe("the cluster of a mutated stack", () => {
  it("is the base name and the mutation's, so it never reuses the base cluster or another mutation's", () => {
    expect(clusterName({ SECRETPROOF_MUTATION: "app-leak" })).toBe("secretproof-app-leak");
    expect(clusterName({ SECRETPROOF_CLUSTER: "ci-42", SECRETPROOF_MUTATION: "long-ttl" })).toBe("ci-42-long-ttl");
    const names = loadMutationCatalogue().mutations.map((m) => clusterName({ SECRETPROOF_MUTATION: m.name }));
    expect(new Set([...names, "secretproof"]).size).toBe(names.length + 1);
  });

  it("shortens a name beyond 32 characters with a hash of the mutation, still a valid cluster name", () => {
    const n = mutationClusterName("secretproof", "falco-read-rule-missing");
    expect(n).toMatch(/^secretproof-falco-read-rule-[0-9a-z]{1,4}$/);
    expect(n.length).toBeLessThanOrEqual(32);
    expect(clusterName({ SECRETPROOF_MUTATION: "falco-read-rule-missing" })).toBe(n);
    expect(mutationClusterName("secretproof", "falco-read-rule-missing-x")).not.toBe(n);
  });
});
