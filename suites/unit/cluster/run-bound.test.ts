import { describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { StepLog } from "../../../harness/core/log.ts";
import { e2eRunBound } from "../../../harness/cluster/run/run-bound.ts";
import { PROFILES, profileProblems, type Profile } from "../../../harness/profile.ts";
import { withDeadline } from "../../../harness/vitest/run-deadline.ts";

const ci = PROFILES.ci;
const withWaits = (over: Partial<Profile["waits"]>): Profile => ({ ...ci, waits: { ...ci.waits, ...over } });

describe("the bound of npm test", () => {
  it("adds the profile's bring-up deadline, its budget for the suites, the cancel grace, the dynamic observation's last step and the teardown", () => {
    for (const p of Object.values(PROFILES)) {
      const b = e2eRunBound(p, { teardown: false });
      expect(b.setupMs).toBe(toMs(p.waits.bringUp));
      expect(b.suitesDeadlineMs).toBe(toMs(p.budget));
      expect(b.totalMs).toBe(b.startMs + b.setupMs + b.suitesDeadlineMs + b.graceMs + b.stopMs + b.observationMs + b.teardownMs);
    }
  });

  it("gives the teardown room to export logs from and delete the cluster when SECRETPROOF_TEARDOWN=1", () => {
    const keep = e2eRunBound(ci, { teardown: false });
    const down = e2eRunBound(ci, { teardown: true });
    expect(down.teardownMs - keep.teardownMs).toBe(3 * toMs(ci.waits.clusterCreate));
  });

  it("is longer for the faithful profile than the ci one", () => {
    expect(e2eRunBound(PROFILES.faithful, { teardown: false }).totalMs).toBeGreaterThan(e2eRunBound(ci, { teardown: false }).totalMs);
  });
});

describe("the bring-up deadline", () => {
  it("must outlast every single bring-up wait, or that wait's own timeout (which names its step) never fires", () => {
    const msg = "waits.bringUp must exceed the longest single bring-up wait plus waits.command, or that wait's own timeout never fires";
    expect(profileProblems(ci)).not.toContain(msg);
    expect(profileProblems(withWaits({ bringUp: "6m" }))).toContain(msg); // clusterCreate 5m + command 2m
    expect(profileProblems(withWaits({ bringUp: "8m" }))).not.toContain(msg);
  });

  it("names the steps still running when it passes", async () => {
    const log = new StepLog({ write: () => undefined });
    const never = new Promise<never>(() => undefined);
    const stuck = Promise.all([log.step("cilium", async () => undefined), log.step("vault", () => never), log.step("postgres", () => never)]);
    const late = () => `setup passed its deadline with ${log.running().join(", ") || "no step"} still running`;
    await expect(withDeadline(stuck, 20, late)).rejects.toThrow("setup passed its deadline with vault, postgres still running");
    expect(log.timings.map((t) => t.name)).toEqual(["cilium"]);
  });
});
