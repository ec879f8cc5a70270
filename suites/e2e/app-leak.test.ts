import { randomBytes } from "node:crypto";
import { describe, expect } from "vitest";
import { APP, NS } from "../../clusters/names.ts";
import { toMs } from "../../clusters/duration.ts";
import { readMountedPassword } from "../../harness/app/identities.ts";
import { appLeakFamily } from "../../harness/claims/app-leak/family.ts";
import { L1_REQUESTS, appLogs, fetchAppOutput } from "../../harness/claims/app-leak/collect.ts";
import { writeL1Evidence } from "../../harness/claims/app-leak/evidence.ts";
import { judgeL1 } from "../../harness/claims/app-leak/judge.ts";
import { scanAppOutputs } from "../../harness/claims/app-leak/scan.ts";
import { redactor } from "../../harness/evidence/redact.ts";
import { portForward } from "../../harness/kube/port-forward.ts";
import { e2eTest as test } from "../../harness/vitest/fixtures.ts";

describe("L1: the app never reveals its credential", () => {
  test("no answer of the app and no line of its log holds its DB password or a prefix of four or more characters, while the same scan finds the article's leak on a control page", async ({ e2e }) => {
    const cmd = toMs(e2e.profile.waits.command);
    // Read before and after the requests: a rotation in between leaves both generations to look for.
    const before = await readMountedPassword(e2e.kube, cmd);
    const responses = [];
    {
      await using pf = await portForward(e2e.kube.context, NS.app, `svc/${APP.service}`, APP.servicePort, cmd);
      for (const r of L1_REQUESTS) responses.push(await fetchAppOutput(pf.url, r.path, r.accept, cmd));
      pf.assertAlive();
    }
    const after = await readMountedPassword(e2e.kube, cmd);
    const logs = await appLogs(e2e.kube);
    const canary = { label: "L1 control canary", value: `l1-canary-${randomBytes(12).toString("hex")}` };
    redactor.register(canary.value, canary.label);
    const needles = [{ label: "mounted db-password", value: before }, ...(after === before ? [] : [{ label: "next mounted db-password", value: after }])];
    const scan = scanAppOutputs([...responses, ...logs], needles, canary);
    const paths = await writeL1Evidence(e2e.evidence, scan);
    const v = judgeL1(scan, paths);
    await e2e.evidence.verdicts(appLeakFamily.id, [v]);
    expect(v.negativeControl?.verdict, v.negativeControl?.reasons.join("\n")).toBe("pass");
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});
