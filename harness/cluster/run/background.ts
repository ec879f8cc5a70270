import { formatMs } from "../../../clusters/duration.ts";
import { dynamicObservation } from "../../claims/dynamic/collect-background.ts";
import type { DynamicTarget } from "../../claims/dynamic/collect.ts";
import type { ObservationRecord } from "../../claims/dynamic/observation.ts";
import type { StepTiming } from "../../evidence/recorder.ts";
import { SealableWriter } from "../../evidence/sealable-writer.ts";

/** The name the observation's timing carries in run.json, and what the dynamic suite's timing depends on. */
export const DYNAMIC_OBSERVATION = "dynamic observation";

/** The dynamic observation running beside the suites, in the global setup's process. */
export interface BackgroundObservation {
  /** No further step starts and the running one ends at its next probe. */
  stop(reason: string): void;
  /**
   * Waits up to `waitMs` for it to end; if it has not, ends it by force
   * (closing its connections and dropping its control role within `closeMs`)
   * and seals its writer, so nothing it does later reaches the run
   * directory. Resolves with its timing for run.json (deps: what it started after).
   */
  settle(waitMs: number, closeMs: number): Promise<StepTiming>;
}

/** What the supervisor drives: the observation's run and its forced end, and the writer it seals. */
export interface Supervised {
  run(): Promise<ObservationRecord>;
  forceEnd(why: string): Promise<ObservationRecord>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** `work`, or an Error with `late` once `ms` have passed; the timer never outlives the work. */
async function within<T>(work: Promise<T>, ms: number, late: string): Promise<T | Error> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<Error>((done) => {
    timer = setTimeout(() => done(new Error(late)), ms);
  });
  return Promise.race([work.catch((err: unknown) => new Error(message(err))), expired]).finally(() => clearTimeout(timer));
}

function failures(r: ObservationRecord | Error): string[] {
  if (r instanceof Error) return [r.message];
  return [r.connectError, r.closeError, ...r.steps.filter((s) => !s.ok).map((s) => `${s.step}: ${s.message}`)].filter((x): x is string => Boolean(x));
}

/**
 * Runs `obs` at once, after `after`. Its failures are its steps' outcomes
 * (observation.json), never an unhandled rejection; a run that ends before
 * it does is told so in the timing.
 */
export function superviseObservation(obs: Supervised, writer: Pick<SealableWriter, "seal">, stop: AbortController, after: string, log: (line: string) => void): BackgroundObservation {
  const t0 = Date.now();
  let ended: number | undefined;
  const run = obs.run().then((r) => r, (err: unknown) => (err instanceof Error ? err : new Error(String(err))));
  void run.then((r) => {
    ended = Date.now();
    const failed = failures(r);
    log(`${DYNAMIC_OBSERVATION} ended after ${formatMs(ended - t0)}${failed.length ? `: ${failed.join("; ")}` : ", every step done"}`);
  });
  const forced = async (why: string, closeMs: number): Promise<ObservationRecord | Error> => {
    log(`${DYNAMIC_OBSERVATION}: ${why}; ending it by force (its connections closed, its control role dropped) and sealing its writer`);
    stop.abort(new Error(why));
    const r = await within(obs.forceEnd(why), closeMs, `ending the ${DYNAMIC_OBSERVATION} by force took longer than ${formatMs(closeMs)}`);
    await writer.seal(why);
    return r instanceof Error ? new Error(`${why}; ${r.message}`) : r;
  };
  return {
    stop: (reason) => stop.abort(new Error(reason)),
    async settle(waitMs, closeMs) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<"late">((done) => {
        timer = setTimeout(() => done("late"), waitMs);
      });
      const first = await Promise.race([run, late]).finally(() => clearTimeout(timer));
      const r = first === "late" ? await forced(`still running ${formatMs(waitMs)} after it was stopped`, closeMs) : first;
      const ok = !(r instanceof Error) && failures(r).length === 0 && r.steps.length > 0;
      const error = r instanceof Error ? r.message : ok ? undefined : first === "late" ? `ended by force: ${failures(r).join("; ")}` : "a step failed (observation.json)";
      return { name: DYNAMIC_OBSERVATION, startedAt: new Date(t0).toISOString(), durationMs: (ended ?? Date.now()) - t0, ok, ...(error ? { error } : {}), deps: [after] };
    },
  };
}

/** Starts the dynamic observation beside the suites, its evidence written through a writer the teardown can seal. */
export function startDynamicObservation(target: DynamicTarget, after: string, log: (line: string) => void): BackgroundObservation {
  const stop = new AbortController();
  const writer = new SealableWriter(target.evidence, log);
  const obs = dynamicObservation({ ...target, evidence: writer }, stop.signal);
  return superviseObservation(obs, writer, stop, after, log);
}
