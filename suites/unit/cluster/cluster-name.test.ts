import { basename, dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { clusterName, DEFAULT_CLUSTER_NAME } from "../../../clusters/names.ts";
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
