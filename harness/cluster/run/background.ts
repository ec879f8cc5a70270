import { formatMs } from "../../../clusters/duration.ts";
import { observeDynamic } from "../../claims/dynamic/collect-background.ts";
import type { ObservationRecord } from "../../claims/dynamic/observation.ts";
import type { DynamicTarget } from "../../claims/dynamic/collect.ts";
import type { StepTiming } from "../../evidence/recorder.ts";

/** The name the observation's timing carries in run.json, and what the dynamic suite's timing depends on. */
export const DYNAMIC_OBSERVATION = "dynamic observation";

/** The dynamic observation running beside the suites, in the global setup's process. */
export interface BackgroundObservation {
  /** No further step starts (the running one finishes). */
  stop(reason: string): void;
  /** Waits up to `ms` for it to end; resolves with its timing for run.json (deps: what it started after). */
  settle(ms: number): Promise<StepTiming>;
}

/**
 * Starts the observation at once, after `after` (the setup's last step). Its
 * failures are its steps' outcomes (observation.json), never an unhandled
 * rejection; a run that ends before it does is told so in the timing.
 */
export function startDynamicObservation(target: DynamicTarget, after: string, log: (line: string) => void): BackgroundObservation {
  const stop = new AbortController();
  const t0 = Date.now();
  let ended: number | undefined;
  const run: Promise<ObservationRecord | Error> = observeDynamic(target, stop.signal).then(
    (r) => r,
    (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
  );
  void run.then((r) => {
    ended = Date.now();
    const failed = r instanceof Error ? [r.message] : [r.connectError, r.closeError, ...r.steps.filter((s) => !s.ok).map((s) => `${s.step}: ${s.message}`)].filter(Boolean);
    log(`${DYNAMIC_OBSERVATION} ended after ${formatMs(ended - t0)}${failed.length ? `: ${failed.join("; ")}` : ", every step done"}`);
  });
  return {
    stop: (reason) => stop.abort(new Error(reason)),
    async settle(ms) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<Error>((done) => {
        timer = setTimeout(() => done(new Error(`${DYNAMIC_OBSERVATION} still running ${formatMs(ms)} after the suites ended`)), ms);
      });
      const r = await Promise.race([run, late]).finally(() => clearTimeout(timer));
      const ok = !(r instanceof Error) && !r.connectError && !r.closeError && r.steps.every((s) => s.ok) && r.steps.length > 0;
      const error = r instanceof Error ? r.message : ok ? undefined : "a step failed (observation.json)";
      return { name: DYNAMIC_OBSERVATION, startedAt: new Date(t0).toISOString(), durationMs: (ended ?? Date.now()) - t0, ok, ...(error ? { error } : {}), deps: [after] };
    },
  };
}
