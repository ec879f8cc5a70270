import { existsSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { inject } from "vitest";
import { formatMs } from "../../clusters/duration.ts";

/**
 * How a suite's worker sees that the run is being stopped. vitest's cancel
 * aborts only the running tests: their signals, and their files' pending
 * tasks are marked skipped (vitest 4.1.12 @vitest/runner dist/chunk-artifact.js:3260-3267,
 * startTests' runner.cancel); a beforeAll hook that is running is not told
 * (its hooks run one after another with no cancel check). A suite's hook
 * that runs a batch of attempts asks `stopped()` before each step instead:
 * the suites' deadline has passed, or the run was cancelled (the global
 * setup's onCancel listener wrote `cancelFile`).
 */
export interface RunStop {
  /** Epoch ms at which the global setup's suites deadline cancels the run (harness/vitest/run-deadline.ts). */
  deadlineAtMs: number;
  /** Written by the global setup when the run is cancelled. */
  cancelFile: string;
}

declare module "vitest" {
  export interface ProvidedContext {
    secretproofStop: RunStop;
  }
}

/** Why the run is stopping, or undefined while it is not. Pure: the clock and the file's presence are read by the caller. */
export function stopReason(stop: RunStop, nowMs: number, cancelled: boolean): string | undefined {
  if (cancelled) return "the run was cancelled";
  if (nowMs >= stop.deadlineAtMs) return `the suites' deadline passed ${formatMs(nowMs - stop.deadlineAtMs)} ago: the run is being cancelled`;
  return undefined;
}

/** A check a suite's worker calls before each step that starts work in the cluster. */
export type Stopped = () => string | undefined;

/** The worker's view of the run's stop, from what the global setup provided. */
export function runStopped(): Stopped {
  const stop = inject("secretproofStop");
  if (!stop) throw new Error("the run's stop context is missing: run e2e suites through `npm test` (vitest --project e2e)");
  return () => stopReason(stop, Date.now(), existsSync(stop.cancelFile));
}

/**
 * For the global setup: the context to provide, a listener for vitest's
 * onCancel that writes the cancel file, and its removal at teardown.
 * vitest clears its cancel listeners before it runs the global setup
 * (vitest 4.1.12 dist/chunks/cli-api.B0Pz1_R7.js:13644 then :13655), so one
 * registered there lasts the run; cancelCurrentRun calls each (:13798-13800).
 */
export function runStopFile(runDir: string, deadlineAtMs: number): { stop: RunStop; onCancel: () => Promise<void>; remove: () => Promise<void> } {
  const cancelFile = join(tmpdir(), `secretproof-cancel-${basename(runDir)}`);
  return {
    stop: { deadlineAtMs, cancelFile },
    onCancel: () => writeFile(cancelFile, `${new Date().toISOString()}\n`),
    remove: () => rm(cancelFile, { force: true }),
  };
}

/** Throws, naming what is not started and why, once the run is stopping. */
export function throwIfStopped(stopped: Stopped, what: string): void {
  const reason = stopped();
  if (reason !== undefined) throw new Error(`${what} not started: ${reason}`);
}
