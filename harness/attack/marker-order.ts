/**
 * Whether an attempt's marker event follows the attempt, as its construction
 * says it must (the marker exec starts after the attempt's exec returned).
 * The marker's time is the node's clock (the stream's event time), the
 * attempt's end this machine's; they differ by the clock offset, which the
 * markers bound (harness/attack/clock.ts) and `slackMs` covers, so a node
 * clock behind by less than the slack still counts as following.
 */
export function markerFollows(markerMs: number | undefined, endMs: number, slackMs: number): markerMs is number {
  return markerMs !== undefined && markerMs >= endMs - slackMs;
}
