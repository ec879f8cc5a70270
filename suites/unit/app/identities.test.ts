import { describe, expect, it } from "vitest";
import { identityWindowMs } from "../../../harness/app/identities.ts";
import { toMs } from "../../../clusters/duration.ts";
import { PROFILES, remountModelOf } from "../../../harness/profile.ts";

describe("the window A2 collects the app's DB identities in", () => {
  it("is the remount model's longest gap between writes, not the driver's minimum poll interval", () => {
    expect(identityWindowMs(PROFILES.ci)).toBe(26_000);
    expect(identityWindowMs(PROFILES.faithful)).toBe(216_000);
    for (const p of Object.values(PROFILES)) {
      expect(identityWindowMs(p), p.name).toBe(remountModelOf(p).maxGapMs);
      expect(identityWindowMs(p), p.name).toBeGreaterThan(toMs(p.csi.rotationPollInterval));
    }
  });

  it("fits the A2 test's timeout (the budget) wherever D2's window does: it is shorter than dynamic.rotationWindow", () => {
    for (const p of Object.values(PROFILES)) {
      const command = toMs(p.waits.command);
      // profileProblems checks rotationWindow + one command against the budget; A2 adds the port-forward's start to its window and slack.
      expect(identityWindowMs(p), p.name).toBeLessThan(toMs(p.dynamic.rotationWindow));
      expect(identityWindowMs(p) + 2 * command, p.name).toBeLessThan(toMs(p.budget));
    }
  });
});
