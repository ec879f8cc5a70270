import { formatMs } from "../../clusters/duration.ts";

/** Work passed its deadline (and may still be running). */
export class DeadlineError extends Error {
  override readonly name = "DeadlineError";
}

/** Rejects with a DeadlineError with `message` (built when the deadline passes) when `work` has not settled within `ms`; the timer never outlives the work. */
export async function withDeadline<T>(work: Promise<T>, ms: number, message: string | (() => string)): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DeadlineError(typeof message === "string" ? message : message())), ms);
  });
  try {
    return await Promise.race([work, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export interface SuitesDeadlineOptions {
  /** vitest's cancel (`project.vitest.cancelCurrentRun`). */
  cancel: (reason: string) => Promise<void>;
  deadlineMs: number;
  /** How long the cancelled run may take to wind down before it is cancelled again. */
  graceMs: number;
  /** What set the deadline, for the messages ("the ci profile's budget (10m)"). */
  what: string;
  log: (line: string) => void;
  /** Called once, with the message, the moment the deadline passes (before the cancel): stops work running beside the suites. */
  onFire?: (reason: string) => void;
}

export interface SuitesDeadline {
  /** The message, once the deadline has passed. */
  readonly fired: string | undefined;
  /** Disarms both timers (the teardown calls it first). */
  clear(): void;
}

/**
 * A deadline for the suites. When it passes, the run is cancelled through
 * vitest's cancelCurrentRun (the cancel its watch-mode shortcut uses; under
 * `vitest run` Ctrl-C is no cancel: vitest's logger exits the process on
 * SIGINT, vitest 4.1.12 dist/chunks/cli-api.B0Pz1_R7.js:2053-2061, and the
 * shortcuts are registered only in watch mode on a TTY, :14611, so nothing
 * is cleaned up; the next run's sweep-leftovers step removes what it left):
 * the running test is aborted, the rest are
 * skipped, the running file's hooks still run, and vitest ends the run as
 * "interrupted" with exit code 1 (vitest v4.1.11
 * packages/vitest/src/node/test-run.ts:113-122), then runs the global
 * teardown. If the run is still going `graceMs` later (a hook that hangs), it
 * is cancelled again, which vitest treats as a forced cancel and stops the
 * workers at once (packages/vitest/src/node/pools/pool.ts:188-191, "Force
 * exit if previous cancel is still on-going").
 */
export function armSuitesDeadline(o: SuitesDeadlineOptions): SuitesDeadline {
  let fired: string | undefined;
  const cancel = (reason: string) => {
    o.log(reason);
    o.cancel(reason).catch((err: unknown) => o.log(`cancelling the run failed: ${(err as Error).message}`));
  };
  let force: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    fired = `the e2e suites ran past ${o.what}: cancelled the remaining tests after ${formatMs(o.deadlineMs)}`;
    try {
      o.onFire?.(fired);
    } catch (err) {
      o.log(`stopping the work beside the suites failed: ${(err as Error).message}`);
    }
    cancel(fired);
    force = setTimeout(() => cancel(`the cancelled run was still going ${formatMs(o.graceMs)} later: stopping its workers`), o.graceMs);
    force.unref();
  }, o.deadlineMs);
  first.unref();
  return {
    get fired() {
      return fired;
    },
    clear() {
      clearTimeout(first);
      clearTimeout(force);
    },
  };
}
