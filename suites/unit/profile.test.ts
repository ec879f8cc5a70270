import { describe, expect, it } from "vitest";
import { toMs } from "../../harness/core/duration.ts";
import { PROFILES, loadProfile, profileProblems } from "../../harness/profile.ts";

describe("profiles", () => {
  it("both profiles are internally consistent", () => {
    for (const p of Object.values(PROFILES)) expect(profileProblems(p), p.name).toEqual([]);
  });

  it("faithful uses the articles' TTLs and the CSI driver's default poll", () => {
    const f = loadProfile("faithful");
    expect([f.vault.defaultTtl, f.vault.maxTtl, f.csi.rotationPollInterval]).toEqual(["5m", "15m", "2m"]);
  });

  it("ci keeps the whole run to minutes", () => {
    const c = loadProfile("ci");
    expect(toMs(c.budget)).toBeLessThanOrEqual(toMs("10m"));
    expect(toMs(c.vault.maxTtl)).toBeLessThan(toMs("5m"));
  });

  it("catches a rotation window too short to see a second identity", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.dynamic.rotationWindow = "10s";
    expect(profileProblems(bad).join()).toMatch(/two CSI rotation polls/);
  });

  it("catches a budget that would time out D3's wait for the last identity to be dropped", () => {
    const bad = structuredClone(PROFILES.ci);
    bad.dynamic.dropGrace = "10m";
    expect(profileProblems(bad).join()).toMatch(/budget \(the e2e test timeout\) does not cover/);
  });

  it("rejects an unknown profile by name", () => {
    expect(() => loadProfile("fast")).toThrow(/unknown profile "fast": choose one of ci, faithful/);
  });
});
