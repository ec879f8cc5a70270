import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { exportClusterLogs } from "../../../harness/cluster/run/down.ts";
import { ArtifactWriter } from "../../../harness/evidence/recorder.ts";
import { loadProfile } from "../../../harness/profile.ts";

let dir: string;
const saved = process.env.SECRETPROOF_STATE_DIR;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "secretproof-logs-"));
  process.env.SECRETPROOF_STATE_DIR = dir;
});
afterEach(async () => {
  if (saved === undefined) delete process.env.SECRETPROOF_STATE_DIR;
  else process.env.SECRETPROOF_STATE_DIR = saved;
  await rm(dir, { recursive: true, force: true });
});

describe("cluster log export", () => {
  it("refuses to export logs it could not redact, before touching kind", async () => {
    const out = new ArtifactWriter(join(dir, "out"));
    const err = await exportClusterLogs({ profile: loadProfile("ci"), clusterName: "nope", out, rel: "kind" }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^refusing to export nope's logs unredacted: no cluster secrets at .*nope\/secrets\.json/);
  });
});
