import { describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { superviseObservation, type Supervised } from "../../../harness/cluster/run/background.ts";
import { e2eRunBound, observationSplit } from "../../../harness/cluster/run/run-bound.ts";
import { waitFor } from "../../../harness/core/wait.ts";
import type { ObservationRecord } from "../../../harness/claims/dynamic/observation.ts";
import { PROFILES, loadProfile } from "../../../harness/profile.ts";

const POLL = toMs(loadProfile().waits.eventPoll);
const record = (): ObservationRecord => ({ startedAt: new Date().toISOString(), durationMs: 0, steps: [{ step: "D2", ok: true, startedAt: new Date().toISOString(), durationMs: 1 }] });

/** An observation whose run waits on the stop signal (as its steps' waits do) or, when `deaf`, ignores it. */
function fake(stop: AbortController, deaf: boolean) {
  const calls = { forced: [] as string[], sealed: [] as string[] };
  const deafCtl = new AbortController();
  const obs: Supervised = {
    run: async () => {
      const signal = deaf ? deafCtl.signal : stop.signal;
      await waitFor("a step that never finishes", () => ({ done: false, state: "running" }), { timeoutMs: 1_000 * POLL, intervalMs: POLL, signal }).catch(() => undefined);
      return record();
    },
    forceEnd: (why) => Promise.resolve(void calls.forced.push(why)).then(() => ({ ...record(), steps: [{ step: "D2" as const, ok: false, message: `still running when ${why}: ended by force`, startedAt: "", durationMs: 0 }] })),
  };
  const writer = { seal: (why: string) => Promise.resolve(void calls.sealed.push(why)) };
  return { obs, writer, calls, release: () => deafCtl.abort() };
}

describe("the teardown's end of the background observation", () => {
  it("a stop ends a step blocked in a wait within one probe: no forced end, no seal", async () => {
    const stop = new AbortController();
    const { obs, writer, calls } = fake(stop, false);
    const bg = superviseObservation(obs, writer, stop, "sweep-leftovers", () => undefined);
    bg.stop("the suites ended");
    const t = await bg.settle(100 * POLL, 100 * POLL);
    expect(t).toMatchObject({ name: "dynamic observation", ok: true, deps: ["sweep-leftovers"] });
    expect(calls).toEqual({ forced: [], sealed: [] });
  });

  it("an observation still running when the wait ends is ended by force, then its writer sealed, and its timing says so", async () => {
    const stop = new AbortController();
    const { obs, writer, calls, release } = fake(stop, true);
    const lines: string[] = [];
    const bg = superviseObservation(obs, writer, stop, "sweep-leftovers", (l) => lines.push(l));
    bg.stop("the suites ended");
    const t = await bg.settle(2 * POLL, 100 * POLL);
    expect(calls.forced).toHaveLength(1);
    expect(calls.sealed).toEqual(calls.forced);
    expect(t.ok).toBe(false);
    expect(t.error).toMatch(/^ended by force: D2: still running when still running .* after it was stopped: ended by force$/);
    expect(lines[0]).toMatch(/ending it by force \(its connections closed, its control role dropped\) and sealing its writer$/);
    release();
  });

  it("seals the writer even when the forced end itself hangs, within the close bound", async () => {
    const stop = new AbortController();
    const { obs, writer, calls, release } = fake(stop, true);
    const bg = superviseObservation({ ...obs, forceEnd: () => new Promise(() => undefined) }, writer, stop, "sweep-leftovers", () => undefined);
    const t = await bg.settle(POLL, 2 * POLL);
    expect(calls.sealed).toHaveLength(1);
    expect(t.error).toMatch(/ending the dynamic observation by force took longer than/);
    release();
  });

  it("splits the run bound's observation time between the wait and the forced end, within it", () => {
    for (const p of Object.values(PROFILES)) {
      const b = e2eRunBound(p, { teardown: false });
      const s = observationSplit(b);
      expect(s.waitMs + s.closeMs).toBe(b.observationMs);
      expect(s.waitMs).toBeGreaterThan(0);
    }
  });
});
