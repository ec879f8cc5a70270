import { describe, expect, it } from "vitest";
import type { AppProbe } from "../../../harness/attack/app-probe.ts";
import type { PhaseWindow } from "../../../harness/claims/enforcement/judge.ts";
import { UNCONTRACTED, observeApp } from "../../../harness/audit/enforcement-observe.ts";
import { auditWhere } from "../../../harness/audit/attack-where.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { POD } from "../../support/falco-samples.ts";
import { POD_STATE, POLICY } from "../../support/tetragon-samples.ts";

const app = { ...auditWhere(kindTarget("secretproof")).app, pod: POD.name };
const podJson = {
  metadata: { name: POD.name, uid: POD.uid, labels: POD_STATE.labels },
  spec: { nodeName: "node-a", containers: [{ name: POD.container, image: POD.image }] },
  status: { phase: "Running", containerStatuses: [{ name: POD.container, containerID: `containerd://${POD.containerId}`, restartCount: 0, ready: true }] },
};
const c = { io: { kube: { json: async <T>() => podJson as T } }, profile: PROFILES.ci };
const session = (probes: AppProbe[]) => ({ probed: true, forward: { assertAlive: () => {} }, traffic: { probes: () => probes }, pod: { ...POD_STATE, nodeName: "node-a" } }) as never;
const answer = (over: Partial<AppProbe> = {}): AppProbe => ({ at: new Date().toISOString(), ms: Date.now(), durationMs: 5, status: 200, ...over });
const phase = (): PhaseWindow => ({ policy: POLICY, enforcingFromMs: Date.now() - 1000, attacksEndMs: 0 });

describe("the audit's observation of the app under the policy", () => {
  it("does not wait dynamic.rotationWindow for answers that carry no pid/db_user, and records why T2 cannot show those parts", async () => {
    const p = phase();
    const started = Date.now();
    await observeApp(c, session([answer(), answer()]), app, p);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(p.answersUncontracted).toBe(UNCONTRACTED);
  });

  it("keeps the demo app's answers to its contract (the flag stays unset), and an abort ends the rotation wait", async () => {
    const p = phase();
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error("interrupted by SIGINT")), 50);
    await expect(observeApp(c, session([answer({ pid: 1, dbUser: "v-kubernetes-dyn-a-1" })]), app, p, ac.signal)).rejects.toThrow(/interrupted by SIGINT/);
    expect(p.answersUncontracted).toBeUndefined();
  });
});
