import { describe, expect, it } from "vitest";
import { toMs } from "../../clusters/duration.ts";
import { PROFILES, type Profile, enforcementSetupMs, loadProfile, profileProblems, remountModelOf, spareRecheckMs, suiteWindowsMs } from "../../harness/profile.ts";
import { TETRAGON_EVENT_CACHE_MAX_DELAY_MS } from "../../harness/tetragon/event-cache.ts";

/**
 * The ci profile as it was before the kind config set the kubelet's
 * syncFrequency: the kubelet ran with its 1m default. The fields that did not
 * exist then are at their most lenient (zero), so the rejection cannot come
 * from them.
 */
const OLD_CI: Profile = {
  ...structuredClone(PROFILES.ci),
  vault: { defaultTtl: "45s", maxTtl: "90s", authTokenTtl: "20m", leaseMargin: "0s" },
  csi: { syncFrequency: "1m", rotationPollInterval: "15s", publishTime: "0s" },
  dynamic: { rotationWindow: "50s", probeInterval: "2s", dropGrace: "45s", expiryTolerance: "5s", componentTtl: "10s", appRead: "0s" },
  budget: "10m",
};

describe("profiles", () => {
  it("both profiles are internally consistent", () => {
    for (const p of Object.values(PROFILES)) expect(profileProblems(p), p.name).toEqual([]);
  });

  it("faithful keeps every upstream default, the articles' TTLs and their 1h provider token", () => {
    const f = loadProfile("faithful");
    expect([f.vault.defaultTtl, f.vault.maxTtl, f.vault.authTokenTtl]).toEqual(["5m", "15m", "1h"]);
    expect([f.csi.syncFrequency, f.csi.rotationPollInterval]).toEqual(["1m", "2m"]);
    expect(profileProblems(f)).toEqual([]);
    expect(profileProblems({ ...f, budget: "55m" }).join()).toMatch(/vault.authTokenTtl 1h ends while the app pod may still run/);
  });

  it("ci keeps credentials short-lived and the whole job's target within 10 minutes, its suites' deadline twice their share", () => {
    expect(toMs(loadProfile("ci").vault.maxTtl)).toBeLessThan(toMs("5m"));
    expect(loadProfile("ci").target.job).toBe("10m");
    expect(loadProfile("ci").budget).toBe("7m50s");
  });

  it("gives the audit its own observation window: short for ci, the rotation window for faithful, never under one probe interval", () => {
    expect([PROFILES.ci.audit.window, PROFILES.faithful.audit.window]).toEqual(["5s", PROFILES.faithful.dynamic.rotationWindow]);
    expect(profileProblems({ ...PROFILES.ci, audit: { window: "1s" } })).toEqual([
      "audit.window 1s is shorter than dynamic.probeInterval 2s: the audit's observation would sample the workload's pods at most once",
    ]);
  });

  it("counts the observation windows every passing run spends, suite by suite", () => {
    const gap = remountModelOf(PROFILES.ci).maxGapMs;
    expect(suiteWindowsMs(PROFILES.ci)).toEqual({ A1: 0, A2: gap, D: 50_000 + 60_000 + 5_000, F: 3 * 2_000 + 1_500, T: 35_000 + gap, N: 5_000 + 2_000, L: 0 });
  });

  it("rejects a budget that leaves the suites less than half of it after their windows, naming each suite's windows", () => {
    const short = { ...structuredClone(PROFILES.ci), budget: "5m" as const };
    expect(profileProblems(short)).toContainEqual(
      "budget 5m (the suites' shared deadline) leaves less than half for the suites' own work after their observation windows: " +
        "A1 0ms + A2 26.0s + D 1m55s + F 7.5s + T 1m01s + N 7.0s + L 0ms = 3m37s",
    );
    expect(profileProblems(PROFILES.ci).join()).not.toMatch(/shared deadline/);
  });

  it("says what a probe interval at or over the driver's minimum costs, and that a shorter one is not enough", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.dynamic.probeInterval = "5s";
    expect(profileProblems(bad)).toEqual([
      "dynamic.probeInterval 5s is not shorter than csi.rotationPollInterval 5s, the least time a credential stays mounted: a credential could rotate in and out " +
        "between two looks. A shorter pause is needed but not enough, since each look's own time adds to it; D2 records the measured spacing of its looks " +
        "(dynamic/remount-cadence.json, looks)",
    ]);
  });

  it("models the remount as poll interval + jittered kubelet resync + sync tick + publish", () => {
    const m = remountModelOf(PROFILES.ci);
    expect([m.maxResyncMs, m.maxGapMs, m.maxHeldMs]).toEqual([16_000, 26_000, 31_000]);
    const f = remountModelOf(PROFILES.faithful);
    expect([f.maxResyncMs, f.maxGapMs]).toEqual([91_000, 216_000]);
  });

  it("rejects the old ci profile: with the kubelet's 1m resync its 45s credential outlives its lease", () => {
    const problems = profileProblems(OLD_CI).join("\n");
    expect(problems).toMatch(/a credential can outlive its lease: it stays mounted up to 1m46s after Vault issues it/);
    expect(problems).toMatch(/dynamic.rotationWindow 50s cannot see two identities: a remount can take 1m46s/);
  });

  it("rejects a lease that leaves less than the margin after the longest remount and the app's read", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.vault.defaultTtl = "50s";
    expect(profileProblems(bad).join()).toMatch(/leaves less than vault.leaseMargin 15s of its 50 s lease/);
  });

  it("counts the lease Vault actually grants: default_ttl capped at max_ttl", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.vault.maxTtl = "40s";
    expect(profileProblems(bad).join("\n")).toMatch(/vault.defaultTtl exceeds vault.maxTtl[\s\S]*of its 40 s lease/);
  });

  it("catches a rotation window too short to see a second identity", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.dynamic.rotationWindow = "20s";
    expect(profileProblems(bad).join()).toMatch(/rotationWindow 20s cannot see two identities: a remount can take 26 s/);
  });

  it("catches a provider token that dies while the app pod may still run", () => {
    const bad = structuredClone(PROFILES.faithful);
    bad.vault.authTokenTtl = "50m";
    expect(profileProblems(bad).join()).toMatch(/vault.authTokenTtl 50m ends while the app pod may still run \(.* = 57m00s\)/);
  });

  it("catches a budget that would time out D3's wait for the last identity to be dropped", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.dynamic.dropGrace = "70m";
    expect(profileProblems(bad).join()).toMatch(/budget \(the e2e test timeout\) does not cover/);
  });

  it("waits past Tetragon's event cache (15 retries × 2 s) before re-checking the spared attempts", () => {
    for (const p of Object.values(PROFILES)) expect(toMs(p.waits.tetragonEventDelay), p.name).toBeGreaterThanOrEqual(TETRAGON_EVENT_CACHE_MAX_DELAY_MS);
    const bad = structuredClone(PROFILES.ci);
    bad.waits.tetragonEventDelay = "29s";
    expect(profileProblems(bad)).toEqual([
      "waits.tetragonEventDelay 29s is shorter than Tetragon's event cache may hold an event (15 retries × 2 s: harness/tetragon/event-cache.ts), so a late SIGKILL of a spared attempt could go unseen",
    ]);
  });

  it("starts a batch's closing marker only after Falco's one-second drop check interval", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.waits.falcoDropCheck = "1s";
    expect(profileProblems(bad)).toEqual([
      "waits.falcoDropCheck 1s does not exceed Falco's drop check interval (1 s: harness/falco/drop-config.ts), so a batch's closing marker may come before Falco reports a drop",
    ]);
  });

  it("lets kubectl outlast the exfiltration attempt's own connect timeout, so N1 reads the program's failure, not kubectl's", () => {
    for (const p of Object.values(PROFILES)) expect(toMs(p.waits.exfilConnect), p.name).toBeLessThan(toMs(p.waits.command));
    const bad = structuredClone(PROFILES.ci);
    bad.waits.exfilConnect = "2m";
    expect(profileProblems(bad)).toContain(
      "waits.exfilConnect must be shorter than waits.command, or kubectl is stopped before the attempt's own timeout and N1 reads a kubectl failure",
    );
  });

  it("bounds a direct TCP connection (etcd's client URL) well inside waits.command and the audit's deadline", () => {
    for (const p of Object.values(PROFILES)) expect(toMs(p.waits.connect), p.name).toBeLessThan(Math.min(toMs(p.waits.command), 2 * toMs(p.target.audit)));
    const bad = structuredClone(PROFILES.ci);
    bad.waits.connect = "2m";
    expect(profileProblems(bad)).toEqual(["waits.connect must be shorter than waits.command: it bounds the connection inside a request that waits.command bounds"]);
  });

  it("gives N1's collection a deadline past its windows and its wait for the drop, and the detection suite's wait for it within the budget", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.waits.networkCollection = "27s";
    expect(profileProblems(bad)).toEqual([
      "waits.networkCollection 27s does not outlast N1's connect timeout, its wait for an app request and its wait for the drop (27.0s): a passing N1 would be cut off",
    ]);
    const long = structuredClone(PROFILES.ci);
    long.waits.networkCollection = "6m";
    expect(profileProblems(long).join()).toMatch(/budget \(the e2e test timeout\) does not cover/);
  });

  it("catches a budget that would time out the enforcement setup or the spared attempts' re-check", () => {
    // Two liveness waits with their last barriers, the policy with its last canary read, the app's survival request.
    expect(enforcementSetupMs(PROFILES.ci)).toBe(60_000 + 20_000 + 60_000 + 20_000 + 60_000 + 120_000 + 120_000);
    expect(spareRecheckMs(PROFILES.ci)).toBe(35_000 + 120_000 + 20_000);
    const setup = structuredClone(PROFILES.ci);
    setup.waits.policyEnforcing = "64m";
    expect(profileProblems(setup).join()).toMatch(/budget \(the e2e test timeout\) does not cover/);
    const recheck = structuredClone(PROFILES.ci);
    recheck.waits.tetragonEventDelay = "68m";
    expect(profileProblems(recheck).join()).toMatch(/budget \(the e2e test timeout\) does not cover/);
  });

  it("accepts only a positive clock offset limit", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.attribution.clockOffsetLimit = "0ms";
    expect(profileProblems(bad)).toEqual(["attribution.clockOffsetLimit must be positive"]);
  });

  it("rejects an unknown profile by name", () => {
    expect(() => loadProfile("fast")).toThrow(/unknown profile "fast": choose one of ci, faithful/);
  });
});
