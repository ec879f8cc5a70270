import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runStopFile, stopReason, throwIfStopped } from "../../../harness/vitest/run-stop.ts";

const stop = { deadlineAtMs: 1_000_000, cancelFile: "/nonexistent/cancel" };

describe("a suite's worker sees the run stopping", () => {
  it("is not stopping before the suites' deadline when no cancel was written", () => {
    expect(stopReason(stop, 999_999, false)).toBeUndefined();
  });

  it("is stopping from the deadline on, naming how long ago it passed", () => {
    expect(stopReason(stop, 1_000_000, false)).toBe("the suites' deadline passed 0ms ago: the run is being cancelled");
    expect(stopReason(stop, 1_065_000, false)).toMatch(/^the suites. deadline passed 1m05s ago/);
  });

  it("is stopping once the cancel file exists, whatever the clock", () => {
    expect(stopReason(stop, 0, true)).toBe("the run was cancelled");
  });

  it("writes the cancel file on vitest's cancel and removes it at teardown", async () => {
    const f = runStopFile(`/tmp/runs/${process.pid}-${Date.now()}`, 5);
    expect(f.stop.deadlineAtMs).toBe(5);
    expect(existsSync(f.stop.cancelFile)).toBe(false);
    await f.onCancel();
    expect(existsSync(f.stop.cancelFile)).toBe(true);
    await f.remove();
    expect(existsSync(f.stop.cancelFile)).toBe(false);
  });
});

describe("a fixture refuses to start work once the run is stopping", () => {
  it("throws naming what it did not start and why, and passes while the run goes on", () => {
    expect(() => throwIfStopped(() => "the run was cancelled", "the detection attack session")).toThrow("the detection attack session not started: the run was cancelled");
    expect(() => throwIfStopped(() => undefined, "the detection attack session")).not.toThrow();
  });
});
