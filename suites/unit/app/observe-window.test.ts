import { describe, expect, it } from "vitest";
import { observeWindow } from "../../../harness/app/samples.ts";

describe("observation windows", () => {
  it("keep ticking until the window has passed, then stop", async () => {
    const times: number[] = [];
    const started = Date.now();
    const n = await observeWindow("test window", async () => void times.push(Date.now()), { windowMs: 60, intervalMs: 10, slackMs: 1_000 });
    expect(n).toBe(times.length);
    expect(n).toBeGreaterThanOrEqual(3);
    expect((times.at(-1) as number) - started).toBeGreaterThanOrEqual(60);
  });

  it("end with the collector's error when every tick fails, naming the window", async () => {
    const err = await observeWindow("failing window", () => Promise.reject(new Error("kubectl exited 1")), { windowMs: 20, intervalMs: 5, slackMs: 30 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/failing window.*kubectl exited 1/);
  });
});
