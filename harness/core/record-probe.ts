import type { ProbeResult } from "./wait.ts";

/**
 * One look at a JSON record file another process writes, as a wait's probe.
 * The file is written with a plain writeFile (truncate, then write), so a
 * look can catch it empty or cut short: that is "not yet", as is a file not
 * written; only a whole record (it parses and `isRecord` accepts it) ends
 * the wait. `what` names the record in the wait's state.
 */
export function recordProbe<T>(text: string | undefined, what: string, isRecord: (v: Record<string, unknown>) => boolean): ProbeResult<T> {
  if (text === undefined) return { done: false, state: "not written yet" };
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { done: false, state: `being written: ${text.length} bytes so far do not parse (${(err as Error).message})` };
  }
  if (typeof v !== "object" || v === null || Array.isArray(v) || !isRecord(v as Record<string, unknown>)) {
    return { done: false, state: `not ${what}: ${text.slice(0, 200)}` };
  }
  return { done: true, value: v as T };
}
