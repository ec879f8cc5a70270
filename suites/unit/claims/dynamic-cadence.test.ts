import { describe, expect, it } from "vitest";
import { remountCadenceEvidence } from "../../../harness/claims/dynamic/cadence.ts";
import { remountModelOf, PROFILES } from "../../../harness/profile.ts";
import { T0, appTimeline, cred, iso, ok } from "./dynamic-fixtures.ts";

const CI = remountModelOf(PROFILES.ci);

describe("the remount cadence recorded with the dynamic evidence", () => {
  it("lists each identity's first and last sighting, how long it was held at least, and the model's bound", () => {
    // A new credential every 15 s, looked at every 2 s (odd seconds): each seen for 12-14 s.
    const e = remountCadenceEvidence(appTimeline(50_000, 2_000), CI);
    expect(e.ok, e.message).toBe(true);
    expect(e.model.maxGapMs).toBe(26_000);
    expect(e.model.basis).toMatch(/^rotationPollInterval 5 s \+ kubelet syncFrequency 10 s/);
    expect(e.changes).toBe(3);
    expect(e.identities.map((x) => x.identity)).toEqual([0, 1, 2, 3].map((k) => cred(k).username));
    expect(e.identities[1]).toEqual({ identity: cred(1).username, firstSeen: iso(T0 + 17_000), lastSeen: iso(T0 + 29_000), heldAtLeastMs: 12_000 });
    expect(e.message).toMatch(/^3 CSI remounts seen, each credential held at most 14 s/);
  });

  it("records a cadence slower than the model as not ok, with the check's message", () => {
    const slow = [0, 10_000, 20_000, 30_000, 40_000].map((t) => ok(T0 + t, cred(0).username));
    const e = remountCadenceEvidence([...slow, ok(T0 + 42_000, cred(1).username)], CI);
    expect(e.ok).toBe(false);
    expect(e.identities.map((x) => x.heldAtLeastMs)).toEqual([40_000, 0]);
    expect(e.message).toMatch(/^the CSI mount rotated after at least 40 s/);
  });
});
