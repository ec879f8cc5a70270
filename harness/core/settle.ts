import { waitFor, type WaitOptions } from "./wait.ts";

/** What a judge returns, as far as waiting on it goes. */
export interface Judged {
  verdict: string;
  reasons: readonly string[];
}

/**
 * Judges until the verdict passes or the wait runs out, then returns the last
 * judgement: events may trail the action they record, so a verdict is only
 * final once the wait is over. The action is never repeated; only the judge
 * runs again, on what the streams delivered since.
 */
export async function judgeUntilPass<V extends Judged>(what: string, judge: () => V, opts: WaitOptions): Promise<V> {
  try {
    return await waitFor(what, () => {
      const v = judge();
      return v.verdict === "pass" ? { done: true, value: v } : { done: false, state: v.reasons };
    }, opts);
  } catch {
    return judge();
  }
}
