import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EXTERNAL, REPO_ROOT } from "../../../harness/cluster/render/external.ts";
import { runsRoot } from "../../../harness/cluster/run/run-dir.ts";

describe("paths the cluster commands compute from their own location", () => {
  it("find the repository root, so `docker build` gets fixtures/app and runs/ sits beside package.json", () => {
    expect((JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { name: string }).name).toBe("secretproof");
    expect(existsSync(join(REPO_ROOT, EXTERNAL.appDir, "Dockerfile"))).toBe(true);
    expect(runsRoot({})).toBe(join(REPO_ROOT, "runs"));
  });
});
