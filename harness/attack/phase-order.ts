import type { Attack } from "./catalogue.ts";

/**
 * The order phase 2 (enforcement.test.ts) runs the catalogue in: the entries
 * Tetragon spares first, then the ones it kills, each group in catalogue
 * order. A spared attempt's verdict waits for one re-check barrier
 * waits.tetragonEventDelay after the last spared attempt ended
 * (AttackSession.recheck); with the spared entries first, the killed
 * attempts run during that delay instead of the suite waiting it out after
 * them. Each attempt is still followed by its own marker exec and judged
 * alone, so the order changes no verdict: attribution is per attempt window
 * and the markers around it, whatever ran before it. The split is the catalogue's declaration;
 * an environment override that turns a spared entry into a kill only moves
 * the last spared attempt earlier.
 */
export function sparedFirst<T extends Pick<Attack, "enforcement">>(attacks: readonly T[]): T[] {
  return [...attacks.filter((a) => a.enforcement.tetragon === "spare"), ...attacks.filter((a) => a.enforcement.tetragon !== "spare")];
}

/** How many attempts run after the last spared one in `order`: they overlap the re-check's event-delay wait. */
export function attemptsAfterLastSpared(order: readonly Pick<Attack, "enforcement">[]): number {
  const last = order.map((a) => a.enforcement.tetragon).lastIndexOf("spare");
  return order.length - 1 - last;
}
