import { formatMs } from "../../clusters/duration.ts";
import { isPermanent } from "./errors.ts";

/** What a probe reports each attempt: done with a value, or not yet with what it saw. */
export type ProbeResult<T> = { done: true; value: T } | { done: false; state: unknown };

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  signal?: AbortSignal;
  /** Injected for tests; defaults to Date.now. */
  now?: () => number;
  /** Injected for tests; defaults to a real timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Thrown when a wait runs out of time; carries what was last observed. */
export class WaitTimeoutError extends Error {
  override readonly name = "WaitTimeoutError";
  constructor(
    readonly description: string,
    readonly attempts: number,
    readonly elapsedMs: number,
    readonly lastState: unknown,
  ) {
    super(
      `timed out waiting for ${description} after ${formatMs(elapsedMs)} (${attempts} attempts); last observed: ${render(lastState)}`,
    );
  }
}

function render(state: unknown): string {
  if (state instanceof Error) return `${state.name}: ${state.message}`;
  if (typeof state === "string") return state;
  try {
    const json = JSON.stringify(state);
    return json === undefined ? String(state) : json.length > 2000 ? `${json.slice(0, 2000)}…` : json;
  } catch {
    return String(state);
  }
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Polls `probe` until it reports done. A thrown error counts as "not yet"
 * (and becomes the last observed state) unless it is permanent, in which case
 * it is rethrown at once. On timeout throws WaitTimeoutError with the
 * description, attempts, elapsed time and the last observed state.
 */
export async function waitFor<T>(
  description: string,
  probe: () => Promise<ProbeResult<T>> | ProbeResult<T>,
  opts: WaitOptions,
): Promise<T> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? realSleep;
  const start = now();
  let attempts = 0;
  let lastState: unknown = "no attempt completed";
  for (;;) {
    if (opts.signal?.aborted) throw aborted(description, opts.signal.reason);
    attempts++;
    try {
      const r = await probe();
      if (r.done) return r.value;
      lastState = r.state;
    } catch (err) {
      if (isPermanent(err)) throw new Error(`${description}: ${(err as Error).message}`, { cause: err });
      lastState = err;
    }
    const elapsed = now() - start;
    if (elapsed >= opts.timeoutMs) {
      throw new WaitTimeoutError(description, attempts, elapsed, lastState);
    }
    await sleep(Math.min(opts.intervalMs, opts.timeoutMs - elapsed), opts.signal).catch((err: unknown) => {
      throw opts.signal?.aborted ? aborted(description, opts.signal.reason) : err;
    });
  }
}

/** The wait's error when its signal aborted: what it waited for and why it stopped. */
function aborted(description: string, reason: unknown): Error {
  return new Error(`aborted while waiting for ${description}: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: reason });
}
