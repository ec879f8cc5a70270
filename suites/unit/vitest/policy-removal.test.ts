import { describe, expect, it } from "vitest";
import { removalWaitNeeded } from "../../../harness/vitest/policy-removal.ts";

const proof = { unlistedAtMs: 1, canaries: [{ startMs: 1, endMs: 2, exitCode: 0, stdoutBytes: 12 }], provenAtMs: 2 };
const session = {};

describe("phase 2's cleanup wait for Tetragon to unload the deleted policy", () => {
  it("waits when the policy was applied and no test proved it unloaded, so L1's later read in the app pod is not killed", () => {
    expect(removalWaitNeeded({ policyApplied: true, s: session })).toBe(true);
  });

  it("does not wait again once the last test proved it unloaded, nor twice from the two cleanups", () => {
    expect(removalWaitNeeded({ policyApplied: true, s: session, removal: proof })).toBe(false);
    expect(removalWaitNeeded({ policyApplied: true, s: session, unloadWaited: true })).toBe(false);
  });

  it("does not wait when the policy was never applied or there is no pod to read in", () => {
    expect(removalWaitNeeded({ s: session })).toBe(false);
    expect(removalWaitNeeded({ policyApplied: true })).toBe(false);
  });
});
