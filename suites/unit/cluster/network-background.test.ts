import { describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { superviseNetworkCollection } from "../../../harness/cluster/run/network-background.ts";
import type { CollectionRecord } from "../../../harness/claims/network/collection.ts";
import { waitFor } from "../../../harness/core/wait.ts";
import { loadProfile } from "../../../harness/profile.ts";

const POLL = toMs(loadProfile().waits.eventPoll);
const LONG = 1_000 * POLL;

/** A collection whose run waits on its signal (as its waits do), or, when `deaf`, on nothing it is given. */
function fake(deaf = false) {
  const deafCtl = new AbortController();
  const seen: { reason?: string } = {};
  const run = async (signal: AbortSignal): Promise<CollectionRecord> => {
    const startedAt = new Date().toISOString();
    try {
      await waitFor("a command that never ends", () => ({ done: false, state: "running" }), { timeoutMs: LONG, intervalMs: POLL, signal: deaf ? deafCtl.signal : signal });
      return { startedAt, durationMs: 0 };
    } catch (err) {
      seen.reason = signal.aborted ? String((signal.reason as Error).message) : undefined;
      return { startedAt, durationMs: 0, error: (err as Error).message };
    }
  };
  const sealed: string[] = [];
  const writer = { seal: (why: string) => Promise.resolve(void sealed.push(why)) };
  return { run, writer, sealed, seen, release: () => deafCtl.abort() };
}

describe("N1's collection beside the suites", () => {
  it("is stopped at its deadline: it starts nothing further and its record says why", async () => {
    const f = fake();
    const lines: string[] = [];
    const bg = superviseNetworkCollection(f.run, f.writer, 2 * POLL, "sweep-leftovers", (l) => lines.push(l));
    const t = await bg.settle(LONG, LONG);
    expect(f.seen.reason).toMatch(/^N1's collection passed its deadline \(waits\.networkCollection, /);
    expect(t).toMatchObject({ name: "network collection", ok: false, deps: ["sweep-leftovers"], error: expect.stringMatching(/passed its deadline/) });
    expect(f.sealed).toEqual([]);
    expect(lines.join("\n")).toMatch(/^network collection ended after .*: aborted while waiting for a command that never ends/);
  });

  it("a collection that ended reports ok, its start and duration, after the setup's last step", async () => {
    const bg = superviseNetworkCollection(async () => ({ startedAt: "s", durationMs: 3 }), { seal: () => Promise.resolve() }, LONG, "sweep-leftovers", () => undefined);
    const t = await bg.settle(LONG, LONG);
    expect(t).toEqual({ name: "network collection", startedAt: expect.any(String), durationMs: expect.any(Number), ok: true, deps: ["sweep-leftovers"] });
  });

  it("a stop ends it at its next poll, before its deadline, and nothing is sealed", async () => {
    const f = fake();
    const bg = superviseNetworkCollection(f.run, f.writer, LONG, "sweep-leftovers", () => undefined);
    bg.stop("the suites' budget ran out");
    const t = await bg.settle(100 * POLL, 100 * POLL);
    expect(f.seen.reason).toBe("the suites' budget ran out");
    expect(t.ok).toBe(false);
    expect(f.sealed).toEqual([]);
  });

  it("a collection still running when the teardown's wait ends has its writer sealed, and its timing says so", async () => {
    const f = fake(true);
    const bg = superviseNetworkCollection(f.run, f.writer, LONG, "sweep-leftovers", () => undefined);
    bg.stop("the suites ended");
    const t = await bg.settle(2 * POLL, 100 * POLL);
    expect(f.sealed).toHaveLength(1);
    expect(t).toMatchObject({ ok: false, error: expect.stringMatching(/^still running .* after it was stopped; its writer sealed$/) });
    f.release();
  });

  it("a run that rejects is an error in its timing, never an unhandled rejection", async () => {
    const bg = superviseNetworkCollection(() => Promise.reject(new Error("refused to write network/collection.json: sealed")), { seal: () => Promise.resolve() }, LONG, "x", () => undefined);
    expect(await bg.settle(LONG, LONG)).toMatchObject({ ok: false, error: "refused to write network/collection.json: sealed" });
  });
});
