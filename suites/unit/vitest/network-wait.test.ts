import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { runNetworkCollection } from "../../../harness/claims/network/collect-background.ts";
import { DETECTION_WAITS_FOR } from "../../../harness/claims/network/collection.ts";
import { judgeN1 } from "../../../harness/claims/network/judge.ts";
import { LAYOUT } from "../../../harness/claims/network/layout.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { ArtifactWriter } from "../../../harness/evidence/recorder.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { PROFILES, type Profile } from "../../../harness/profile.ts";
import { awaitNetworkEnd, awaitNetworkEvidence } from "../../../harness/vitest/network.ts";
import type { E2EContext } from "../../../harness/cluster/run/context.ts";
import { evidence } from "../network/samples.ts";

// Short waits of the same shape as the profile's, so a wait that gives up does so within the unit tier's time.
const quick: Profile = { ...PROFILES.ci, waits: { ...PROFILES.ci.waits, networkCollection: "200ms", command: "100ms", poll: "20ms" } };
const dirs: string[] = [];
afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

async function run(): Promise<{ ctx: E2EContext; w: ArtifactWriter }> {
  const dir = await mkdtemp(join(tmpdir(), "secretproof-n1-"));
  dirs.push(dir);
  return { ctx: { profile: "ci", clusterName: "secretproof", kubeContext: "kind-secretproof", stateDir: dir, runDir: dir }, w: new ArtifactWriter(dir, new Redactor()) };
}
const deps = { kube: {} as Kubectl, kubeContext: "kind-secretproof", profile: quick, signal: new AbortController().signal };
const n1 = { ...evidence(), upstream: [], policy: { kind: "CiliumNetworkPolicy" } };

describe("the suites' wait for N1's collection", () => {
  it("the detection suite gives up when collection.json is not written in time, naming N1, the wait and why it waits", async () => {
    const { ctx } = await run();
    await expect(awaitNetworkEnd({ ctx, profile: quick }, DETECTION_WAITS_FOR)).rejects.toThrow(
      /^N1's collection, started by the global setup at the end of bring-up, did not write network\/collection\.json in .* within 300ms .*waits\.networkCollection 200ms \+ waits\.command 100ms\): the detection suite opens no attack session while N1's attempt may still run in the app pod/,
    );
  });

  it("ends as soon as the collection has written collection.json", async () => {
    const { ctx, w } = await run();
    const pending = awaitNetworkEnd({ ctx, profile: quick }, "test");
    await runNetworkCollection(deps, w, async () => n1);
    await expect(pending).resolves.toMatchObject({ durationMs: expect.any(Number) });
  });

  it("the network suite judges the evidence read back from the run directory exactly as the collection's own record judges", async () => {
    const { ctx, w } = await run();
    await runNetworkCollection(deps, w, async () => n1);
    const back = await awaitNetworkEvidence({ ctx, profile: quick });
    expect(back.paths).toEqual(Object.values(LAYOUT));
    expect(judgeN1(back.evidence, back.paths)).toEqual(judgeN1(n1, Object.values(LAYOUT)));
    expect(judgeN1(back.evidence).verdict).toBe("pass");
  });

  it("the network suite fails with the collection's own failure, not a missing file", async () => {
    const { ctx, w } = await run();
    await runNetworkCollection(deps, w, () => Promise.reject(new Error("Cilium's policy audit mode is off: policy-audit-mode is \"true\"")));
    await expect(awaitNetworkEvidence({ ctx, profile: quick })).rejects.toThrow(/recorded no evidence: Cilium's policy audit mode is off/);
  });
});
