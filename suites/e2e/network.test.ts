import { describe, expect } from "vitest";
import { networkFamily } from "../../harness/claims/network/family.ts";
import { judgeN1 } from "../../harness/claims/network/judge.ts";
import { awaitNetworkEvidence } from "../../harness/vitest/network.ts";
import { e2eTest as test } from "../../harness/vitest/fixtures.ts";

/**
 * N1's collection (harness/claims/network/collect-run.ts) runs in the global
 * setup's process from the end of bring-up, beside A1 and A2, and ends
 * before the detection suite opens its attack session (its python3 in the
 * app pod raises a Falco alert). This file judges what it recorded.
 */
describe("N1: exfiltration is stopped at the network", () => {
  test("the app pod's connection to the in-cluster sink fails and Cilium records it dropped by policy, while the app's DB traffic flows and an unselected pod reaches the sink", async ({ e2e }) => {
    // The collection checked Cilium's enforcement mode, audit mode and the hubble CLI first; a failed check fails here by name.
    const { evidence, paths } = await awaitNetworkEvidence(e2e);
    const v = judgeN1(evidence, paths);
    await e2e.evidence.verdicts(networkFamily.id, [v]);
    expect(v.negativeControl?.verdict, v.negativeControl?.reasons.join("\n")).toBe("pass");
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});
