import { describe, expect, it } from "vitest";
import {
  judgeRemountCadence,
  kubeletSyncProblem,
  parseGoDuration,
  providerTokenProblem,
  remountModel,
} from "../../../harness/app/rotation-cadence.ts";
import type { AppSample } from "../../../harness/claims/dynamic/types.ts";

const T0 = Date.parse("2026-12-01T10:00:00.000Z");
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ok = (s: number, identity: string): AppSample => ({ at: at(s), status: 200, identity, durationMs: 40 });
const down = (s: number): AppSample => ({ at: at(s), status: 503, error: "database connection failed", durationMs: 30 });
const user = (n: number) => `v-kubernetes-secure-app-dynamic-AbCdEfGhIjKlMnOpQrSt-${1796119200 + n}`;

/** One look every 2 s from `from` to `to` (inclusive), the identity changing every `period` s from `from`. */
function looks(from: number, to: number, period: number): AppSample[] {
  const out: AppSample[] = [];
  for (let s = from; s <= to; s += 2) out.push(ok(s, user(Math.floor((s - from) / period))));
  return out;
}

// The ci profile's numbers: poll 5 s, kubelet 10 s, publish 5 s.
const CI = remountModel({ syncFrequencyMs: 10_000, rotationPollIntervalMs: 5_000, publishMs: 5_000 });

describe("the CSI remount model", () => {
  it("bounds the gap between writes by poll interval + 1.5 x syncFrequency + 1 s tick + publish", () => {
    expect([CI.maxResyncMs, CI.maxGapMs, CI.maxHeldMs]).toEqual([16_000, 26_000, 31_000]);
    expect(CI.basis).toBe("rotationPollInterval 5 s + kubelet syncFrequency 10 s with up to 50% resync jitter + 1 s sync tick + 5 s to publish");
  });

  it("with the kubelet's 1m default the mount may keep one credential for more than 90 s (75-83 s measured upstream)", () => {
    const m = remountModel({ syncFrequencyMs: 60_000, rotationPollIntervalMs: 0, publishMs: 0 });
    expect(m.maxGapMs).toBe(91_000);
    expect(m.maxGapMs).toBeGreaterThan(83_000);
  });
});

describe("judging the observed remount cadence", () => {
  it("passes a mount rotated every 12 s, counting each change", () => {
    const v = judgeRemountCadence(looks(0, 50, 12), CI);
    expect(v.ok, v.message).toBe(true);
    expect(v.changes).toBe(4);
    expect(Math.max(...v.heldAtLeastMs)).toBe(10_000);
  });

  it("fails, by name, a credential the app kept for 84 s", () => {
    const samples = [...looks(0, 82, 1000), ok(84, user(9))];
    const v = judgeRemountCadence(samples, CI);
    expect(v.ok).toBe(false);
    expect(v.message).toBe(
      "the CSI mount rotated after at least 1m22s (one identity, 2026-12-01T10:00:00.000Z .. 2026-12-01T10:01:22.000Z); " +
        "the profile expects <= 26 s (rotationPollInterval 5 s + kubelet syncFrequency 10 s with up to 50% resync jitter + 1 s sync tick + 5 s to publish)",
    );
  });

  it("counts no look without an identity as time a credential stayed mounted", () => {
    // A at 0 s and 4 s, no identity 8-28 s, B at 32 s: A was seen for 4 s, not 28 s.
    const samples = [ok(0, user(0)), ok(4, user(0)), down(8), down(12), down(16), down(20), down(24), down(28), ok(32, user(1))];
    const v = judgeRemountCadence(samples, CI);
    expect(v.ok, v.message).toBe(true);
    expect(v.heldAtLeastMs).toEqual([4_000, 0]);
    expect(v.unidentifiedLooks).toBe(6);
    expect(v.message).toBe(
      "1 CSI remounts seen, each credential held at most 4 s as far as seen; the profile expects <= 26 s (rotationPollInterval 5 s + kubelet syncFrequency 10 s " +
        "with up to 50% resync jitter + 1 s sync tick + 5 s to publish); 6 of 9 looks (2026-12-01T10:00:08.000Z .. 2026-12-01T10:00:28.000Z) got no identity " +
        "from the app, so the mount is unobserved across them: D2 judges those answers",
    );
  });

  it("still counts a credential reported on both sides of looks without an identity", () => {
    const samples = [ok(0, user(0)), down(10), down(20), ok(30, user(0)), ok(32, user(1))];
    const v = judgeRemountCadence(samples, CI);
    expect(v.ok).toBe(false);
    expect(v.heldAtLeastMs).toEqual([30_000, 0]);
    expect(v.message).toMatch(/^the CSI mount rotated after at least 30 s \(one identity, .*\); the profile expects <= 26 s .*; 2 of 5 looks \(2026-12-01T10:00:10.000Z \.\. 2026-12-01T10:00:20.000Z\) got no identity/);
  });

  it("fails a mount that had not rotated by the end of the window", () => {
    const v = judgeRemountCadence([...looks(0, 10, 1000), ok(12, user(5)), ...looks(14, 44, 1000).map((s) => ({ ...s, identity: user(5) }))], CI);
    expect(v.ok).toBe(false);
    expect(v.message).toMatch(/^the CSI mount had not rotated after at least 32 s/);
  });

  it("accepts a credential seen for exactly the longest gap the model allows", () => {
    const samples = [ok(0, user(0)), ok(26, user(0)), ok(27, user(1))];
    expect(judgeRemountCadence(samples, CI).ok).toBe(true);
    expect(judgeRemountCadence([...samples.slice(0, 2), ok(26.5, user(0)), ok(27, user(1))], CI).ok).toBe(false);
  });

  it("leaves a window in which the app never reported an identity to D2, saying the remount period went unobserved", () => {
    const v = judgeRemountCadence([down(0), down(2)], CI);
    expect(v.ok).toBe(true);
    expect([v.changes, v.unidentifiedLooks, v.heldAtLeastMs]).toEqual([0, 2, []]);
    expect(v.message).toMatch(/^no CSI remount observed: the profile expects <= 26 s .*; 2 of 2 looks \(2026-12-01T10:00:00.000Z \.\. 2026-12-01T10:00:02.000Z\) got no identity from the app/);
  });

  it("refuses an observation time it cannot read", () => {
    expect(() => judgeRemountCadence([{ at: "yesterday", identity: "x" }], CI)).toThrow(/observation time "yesterday" is not ISO 8601/);
  });
});

describe("the CSI provider's Vault token against the run", () => {
  const HOUR = 3_600_000;
  const MIN = 60_000;

  it("passes a pod young enough that its token outlives the rest of the run", () => {
    expect(providerTokenProblem(at(0), T0 + 20 * MIN, 24 * HOUR, 10 * MIN)).toBeUndefined();
  });

  it("fails a reused pod whose token ends within the run, and says how to recover", () => {
    const problem = providerTokenProblem(at(0), T0 + 52 * MIN, HOUR, 10 * MIN);
    expect(problem).toMatch(/^the app pod started 52m00s ago and this run may last 10m00s more, past the 60m00s TTL of the Vault token/);
    expect(problem).toMatch(/kubectl -n test-dynamic rollout restart deployment\/secure-test-app/);
  });

  it("fails when the pod reports no start time", () => {
    expect(providerTokenProblem(undefined, T0, HOUR, MIN)).toMatch(/the app pod reports no start time \(undefined\)/);
  });
});

/** The kubelet's /configz answer, trimmed: v1beta1 field names, metav1.Duration as Go prints it. */
const configz = (syncFrequency: string) =>
  JSON.stringify({
    kubeletconfig: {
      enableServer: true,
      podLogsDir: "/var/log/pods",
      syncFrequency,
      fileCheckFrequency: "20s",
      httpCheckFrequency: "20s",
      cgroupDriver: "systemd",
      failSwapOn: false,
    },
  });

describe("the kubelet's running syncFrequency", () => {
  const node = "secretproof-control-plane";

  it("reads Go durations as metav1.Duration prints them", () => {
    expect([parseGoDuration("10s"), parseGoDuration("1m0s"), parseGoDuration("1h0m0s"), parseGoDuration("1.5s"), parseGoDuration("250ms")]).toEqual([
      10_000, 60_000, 3_600_000, 1_500, 250,
    ]);
    expect(parseGoDuration("10 s")).toBeUndefined();
    expect(parseGoDuration("")).toBeUndefined();
  });

  it("passes a kubelet running with the profile's syncFrequency", () => {
    expect(kubeletSyncProblem(configz("10s"), node, 10_000)).toBeUndefined();
    expect(kubeletSyncProblem(configz("1m0s"), node, 60_000)).toBeUndefined();
  });

  it("fails, by name, a kubelet still at its 1m default (a cluster created before the patch)", () => {
    expect(kubeletSyncProblem(configz("1m0s"), node, 10_000)).toBe(
      "the kubelet on secretproof-control-plane runs with syncFrequency 1m0s; the profile expects 10 s (the kind config's KubeletConfiguration patch). " +
        "A reused kind cluster keeps the kubelet config it was created with: delete it and run again",
    );
  });

  it("fails an answer it cannot read rather than guessing", () => {
    expect(kubeletSyncProblem("<html>forbidden</html>", node, 10_000)).toMatch(/answered \/configz with no JSON: <html>forbidden/);
    expect(kubeletSyncProblem(JSON.stringify({ kubeletconfig: {} }), node, 10_000)).toMatch(/reports no readable syncFrequency in \/configz \(undefined\)/);
  });
});
