/**
 * The critical path of a run: the chain of steps (and waits between them)
 * that decided its wall time. Pure: timed nodes in, chain out.
 */

/** One step or suite as a run recorded it: what it waited for, when it ran. */
export interface TimedNode {
  id: string;
  deps: readonly string[];
  startMs: number;
  endMs: number;
}

/** One link of the chain: a node, or a gap in which nothing on the path ran (the harness itself, vitest starting a worker). */
export interface PathLink {
  id: string;
  kind: "step" | "gap";
  startMs: number;
  endMs: number;
  durationMs: number;
  /** durationMs over the path's wall time, 0..1. */
  share: number;
}

export interface CriticalPath {
  startMs: number;
  endMs: number;
  wallMs: number;
  links: PathLink[];
}

/** Gaps shorter than this are timer noise between a dependency's end and its dependent's start, not waits. */
export const GAP_NOISE_MS = 50;

const link = (id: string, kind: PathLink["kind"], startMs: number, endMs: number): Omit<PathLink, "share"> => ({
  id,
  kind,
  startMs,
  endMs,
  durationMs: Math.max(0, endMs - startMs),
});

/**
 * Walks back from the node that ended last, each time to the dependency that
 * ended last (the one its start waited for), recording any gap between that
 * dependency's end and the node's start. `startMs` is when the run began
 * (the first gap runs from it); by default the earliest start.
 */
export function criticalPath(nodes: readonly TimedNode[], startMs?: number): CriticalPath {
  const t0 = startMs ?? Math.min(...nodes.map((n) => n.startMs));
  if (nodes.length === 0) return { startMs: t0, endMs: t0, wallMs: 0, links: [] };
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const latest = (list: readonly TimedNode[]) => list.reduce((a, b) => (b.endMs > a.endMs || (b.endMs === a.endMs && b.startMs > a.startMs) ? b : a));
  const chain: Omit<PathLink, "share">[] = [];
  const seen = new Set<string>();
  let cur: TimedNode | undefined = latest(nodes);
  const endMs = cur.endMs;
  while (cur && !seen.has(cur.id)) {
    const node: TimedNode = cur;
    seen.add(node.id);
    chain.unshift(link(node.id, "step", node.startMs, node.endMs));
    const deps: TimedNode[] = node.deps.flatMap((d) => byId.get(d) ?? []).filter((d) => d.endMs <= node.startMs + GAP_NOISE_MS);
    const prev: TimedNode | undefined = deps.length ? latest(deps) : undefined;
    const from = prev ? prev.endMs : t0;
    if (node.startMs - from > GAP_NOISE_MS) chain.unshift(link(`before ${node.id}`, "gap", from, node.startMs));
    cur = prev;
  }
  const wallMs = Math.max(0, endMs - t0);
  return { startMs: t0, endMs, wallMs, links: chain.map((l) => ({ ...l, share: wallMs ? l.durationMs / wallMs : 0 })) };
}

/**
 * The longest chain through a graph of estimated durations (every node
 * starting as soon as its dependencies end): the figure a model predicts.
 */
export function longestPath(nodes: readonly { id: string; deps: readonly string[]; durationMs: number }[]): CriticalPath {
  const end = new Map<string, number>();
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const finish = (id: string, path: string[] = []): number => {
    const known = end.get(id);
    if (known !== undefined) return known;
    if (path.includes(id)) throw new Error(`the graph has a cycle: ${[...path, id].join(" -> ")}`);
    const n = byId.get(id);
    if (!n) throw new Error(`${path.at(-1) ?? "the graph"} depends on unknown node ${id}`);
    const start = Math.max(0, ...n.deps.map((d) => finish(d, [...path, id])));
    end.set(id, start + n.durationMs);
    return start + n.durationMs;
  };
  const timed = nodes.map((n) => ({ id: n.id, deps: n.deps, endMs: finish(n.id), startMs: finish(n.id) - n.durationMs }));
  return criticalPath(timed, 0);
}
