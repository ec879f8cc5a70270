import { describe, expect, it } from "vitest";
import { lookSpacing, remountCadenceEvidence, withDriverLog } from "../../../harness/claims/dynamic/cadence.ts";
import { remountModelOf, PROFILES } from "../../../harness/profile.ts";
import { T0, appTimeline, cred, iso, ok } from "../../support/dynamic-fixtures.ts";

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

  it("records how far apart the looks came against the driver's least time between rotations", () => {
    const e = remountCadenceEvidence(appTimeline(50_000, 2_000), CI);
    expect(e.looks).toEqual({ looks: 25, withoutIdentity: 0, minMs: 2_000, medianMs: 2_000, maxMs: 2_000, driverMinimumMs: 5_000, gapsOverDriverMinimum: 0 });
    // Slow looks: probeInterval is only the pause, each look's own time (kubectl, psql, Vault) adds to it.
    const slow = [0, 3_000, 9_500, 12_000, 19_000].map((t, i) => (i === 2 ? { at: iso(T0 + t), status: 503, durationMs: 30 } : ok(T0 + t, cred(0).username)));
    expect(lookSpacing(slow, 5_000)).toEqual({ looks: 5, withoutIdentity: 1, minMs: 2_500, medianMs: 3_000, maxMs: 7_000, driverMinimumMs: 5_000, gapsOverDriverMinimum: 2 });
    expect(lookSpacing([], 5_000)).toEqual({ looks: 0, withoutIdentity: 0, driverMinimumMs: 5_000, gapsOverDriverMinimum: 0 });
  });

  it("puts the remount failures the CSI driver masked first in the message, and keeps the message when it logged none", () => {
    const slow = [0, 10_000, 20_000, 30_000, 40_000].map((t) => ok(T0 + t, cred(0).username));
    const e = remountCadenceEvidence([...slow, ok(T0 + 42_000, cred(1).username)], CI);
    const failure = { at: "2026-11-26T10:00:16.201000331Z", pod: "test-dynamic/secure-test-app-7d9c5b6f4d-x2kqp", error: "rpc error: code = Unknown desc = error making mount request: x" };
    const told = withDriverLog(e, [failure]);
    expect(told.ok).toBe(false);
    expect(told.driverRemountFailures).toEqual([failure]);
    expect(told.message).toBe(
      `the CSI driver failed to remount ${failure.pod} at ${failure.at}: ${failure.error} ` +
        `(secrets-store-csi-driver v1.6.0 pkg/secrets-store/nodeserver.go:244-249 masks remount errors and keeps the old content); ${e.message}`,
    );
    expect(withDriverLog(e, []).message).toBe(e.message);
    expect(withDriverLog(e, { unreadable: "kubectl logs exited 1" }).message).toBe(`${e.message}; the CSI driver's log could not be read for remount failures (kubectl logs exited 1)`);
  });
});
