import { describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { waitFor } from "../../../harness/core/wait.ts";
import { OBSERVATION_STEPS, type ObservationRecord, type ObservationStep } from "../../../harness/claims/dynamic/observation.ts";
import { ObservationRun, type ObservationParts, type StepBody } from "../../../harness/claims/dynamic/observation-run.ts";
import { loadProfile } from "../../../harness/profile.ts";

const POLL = toMs(loadProfile().waits.eventPoll);

/** A connection whose close() and writes are counted; every step done at once unless overridden. */
function fakeParts(over: Partial<Record<ObservationStep, StepBody>> = {}) {
  const seen = { closes: 0, writes: [] as ObservationRecord[] };
  const bodies = Object.fromEntries(OBSERVATION_STEPS.map((s) => [s, over[s] ?? (() => Promise.resolve(undefined))])) as Record<ObservationStep, StepBody>;
  const parts: ObservationParts = {
    connect: () => Promise.resolve(),
    close: () => {
      seen.closes++;
      return Promise.resolve();
    },
    bodies,
    write: (rec) => Promise.resolve(void seen.writes.push(structuredClone(rec))),
  };
  return { parts, seen };
}

/** A step blocked in waitFor on a probe that never reports done, with the observation's signal, as pollRoles and observeWindow are. */
const blockedInWait = (signal: AbortSignal, started: () => void): StepBody => async () => {
  started();
  await waitFor("a role that never leaves pg_roles", () => ({ done: false, state: "still listed" }), { timeoutMs: 1_000 * POLL, intervalMs: POLL, signal });
  return undefined;
};

describe("the dynamic observation's course", () => {
  it("a stop ends the step blocked in a wait at its next probe, starts no further step, then closes once and writes observation.json once", async () => {
    const stop = new AbortController();
    let started!: () => void;
    const inWait = new Promise<void>((r) => (started = r));
    const { parts, seen } = fakeParts({ "D3-revocation": blockedInWait(stop.signal, () => started()) });
    const running = new ObservationRun(parts, stop.signal).run();
    await inWait;
    stop.abort(new Error("the suites ended"));
    const rec = await running;
    expect(rec.steps.map((s) => [s.step, s.ok])).toEqual([["D2", true], ["D1", true], ["D3-revocation", false], ["D4", false], ["D3-expiry", false]]);
    expect(rec.steps[2]?.message).toBe("aborted while waiting for a role that never leaves pg_roles: the suites ended");
    expect(rec.steps[2]?.durationMs).toBeLessThan(100 * POLL);
    expect(rec.steps[3]?.message).toBe("not run: the observation was stopped (the suites ended)");
    expect(seen.closes).toBe(1);
    expect(seen.writes).toHaveLength(1);
  });

  it("a forced end records the step it cut off, closes and writes at once, and nothing the step does later is recorded", async () => {
    let release!: () => void;
    const hung = new Promise<undefined>((r) => (release = () => r(undefined)));
    let started!: () => void;
    const inStep = new Promise<void>((r) => (started = r));
    const { parts, seen } = fakeParts({ D2: () => (started(), hung) });
    const obs = new ObservationRun(parts, new AbortController().signal);
    const running = obs.run();
    await inStep;
    const rec = await obs.forceEnd("the teardown's wait ran out");
    expect(rec.steps).toHaveLength(1);
    expect(rec.steps[0]).toMatchObject({ step: "D2", ok: false, message: "still running when the teardown's wait ran out: ended by force" });
    expect(seen.closes).toBe(1);
    expect(seen.writes).toHaveLength(1);
    release();
    await running;
    expect(rec.steps).toHaveLength(1);
    expect(seen.closes).toBe(1);
    expect(seen.writes).toHaveLength(1);
  });

  it("a close that fails is recorded as the close error, not thrown", async () => {
    const { parts } = fakeParts();
    const rec = await new ObservationRun({ ...parts, close: () => Promise.reject(new Error("could not drop the control role", { cause: new Error("psql exited 2") })) }, new AbortController().signal).run();
    expect(rec.closeError).toBe("could not drop the control role: psql exited 2");
    expect(rec.steps.every((s) => s.ok)).toBe(true);
  });
});
