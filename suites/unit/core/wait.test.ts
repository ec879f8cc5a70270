import { describe, expect, it } from "vitest";
import { PermanentError } from "../../../harness/core/errors.ts";
import { WaitTimeoutError, waitFor } from "../../../harness/core/wait.ts";

/** A fake clock: sleeping advances time instantly. */
function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

describe("waitFor", () => {
  it("returns the probe's value once it is done", async () => {
    const c = clock();
    let n = 0;
    const v = await waitFor("three attempts", () => (++n < 3 ? { done: false, state: n } : { done: true, value: "ok" }), {
      timeoutMs: 10_000,
      intervalMs: 100,
      ...c,
    });
    expect(v).toBe("ok");
    expect(n).toBe(3);
  });

  it("on timeout reports description, attempts, elapsed time and the last observed state", async () => {
    const c = clock();
    let n = 0;
    const err = await waitFor("pod Ready", () => ({ done: false, state: { phase: "Pending", n: ++n } }), {
      timeoutMs: 1_000,
      intervalMs: 300,
      ...c,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WaitTimeoutError);
    const w = err as WaitTimeoutError;
    expect(w.attempts).toBe(5);
    expect(w.elapsedMs).toBe(1_000);
    expect(w.lastState).toEqual({ phase: "Pending", n: 5 });
    expect(w.message).toMatch(/pod Ready.*1\.0s.*5 attempts.*"phase":"Pending"/);
  });

  it("treats thrown errors as not-yet and keeps the last one as state", async () => {
    const c = clock();
    const err = (await waitFor(
      "api",
      () => {
        throw new Error("connection refused");
      },
      { timeoutMs: 500, intervalMs: 200, ...c },
    ).catch((e: unknown) => e)) as WaitTimeoutError;
    expect(err.message).toContain("Error: connection refused");
  });

  it("fails at once on an error that will not fix itself", async () => {
    const c = clock();
    let n = 0;
    const err = await waitFor(
      "vault login",
      () => {
        n++;
        throw new Error("request failed", { cause: new PermanentError("403 permission denied") });
      },
      { timeoutMs: 60_000, intervalMs: 100, ...c },
    ).catch((e: unknown) => e);
    expect(n).toBe(1);
    expect((err as Error).message).toBe("vault login: request failed");
    expect(c.now()).toBe(0);
  });

  it("stops when its signal aborts", async () => {
    const ac = new AbortController();
    const p = waitFor("never", () => ({ done: false, state: "no" }), { timeoutMs: 60_000, intervalMs: 10_000, signal: ac.signal });
    ac.abort(new Error("run cancelled"));
    await expect(p).rejects.toThrow("aborted while waiting for never: run cancelled");
  });
});
