import { describe, expect } from "vitest";
import { networkFamily } from "../../harness/claims/network/family.ts";
import { writeN1Evidence } from "../../harness/claims/network/evidence.ts";
import { judgeN1 } from "../../harness/claims/network/judge.ts";
import { collectN1 } from "../../harness/claims/network/collect-run.ts";
import { e2eTest as test } from "../../harness/vitest/fixtures.ts";

describe("N1: exfiltration is stopped at the network", () => {
  test("the app pod's connection to the in-cluster sink fails and Cilium records it dropped by policy, while the app's DB traffic flows and an unselected pod reaches the sink", async ({ e2e }) => {
    // Checks Cilium's enforcement mode, audit mode and the hubble CLI first, naming what does not hold.
    const record = await collectN1({ kube: e2e.kube, kubeContext: e2e.ctx.kubeContext, profile: e2e.profile });
    const paths = await writeN1Evidence(e2e.evidence, record);
    const v = judgeN1(record, paths);
    await e2e.evidence.verdicts(networkFamily.id, [v]);
    expect(v.negativeControl?.verdict, v.negativeControl?.reasons.join("\n")).toBe("pass");
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});
