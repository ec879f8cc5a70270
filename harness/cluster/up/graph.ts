import type { StepLog } from "../../core/log.ts";

/** A step's place in the graph. */
export interface StepNode {
  name: string;
  deps: readonly string[];
}

/** One step: its place in the graph, what it does, and its body. */
export interface StepSpec<C = unknown> extends StepNode {
  /** One line on what the step does (for `render` and `up --dry-run`). */
  what: string;
  run(ctx: C): Promise<unknown>;
}

/** A step failed; `step` names it, `cause` is what it threw. */
export class StepFailedError extends Error {
  override readonly name = "StepFailedError";
  constructor(
    readonly step: string,
    cause: unknown,
  ) {
    super(`step ${step} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

class Skipped extends Error {}

/** Problems with a step graph: unknown dependencies, cycles. */
export function graphProblems(specs: readonly StepNode[]): string[] {
  const names = new Set(specs.map((s) => s.name));
  const out = specs.flatMap((s) => s.deps.filter((d) => !names.has(d)).map((d) => `${s.name} depends on unknown step ${d}`));
  const state = new Map<string, "visiting" | "done">();
  const byName = new Map(specs.map((s) => [s.name, s]));
  const visit = (n: string, path: string[]): void => {
    if (state.get(n) === "done") return;
    if (state.get(n) === "visiting") {
      out.push(`cycle: ${[...path, n].join(" -> ")}`);
      return;
    }
    state.set(n, "visiting");
    for (const d of byName.get(n)?.deps ?? []) visit(d, [...path, n]);
    state.set(n, "done");
  };
  for (const s of specs) visit(s.name, []);
  return out;
}

/** Steps in an order that respects dependencies (stable for equal rank). */
export function topoOrder(specs: readonly StepNode[]): string[] {
  const done = new Set<string>();
  const order: string[] = [];
  while (order.length < specs.length) {
    const ready = specs.filter((s) => !done.has(s.name) && s.deps.every((d) => done.has(d)));
    if (ready.length === 0) throw new Error(`step graph is not a DAG: ${graphProblems(specs).join("; ")}`);
    for (const s of ready) {
      done.add(s.name);
      order.push(s.name);
    }
  }
  return order;
}

/** The graph was stopped (its signal aborted) before these steps started. */
export class GraphStoppedError extends Error {
  override readonly name = "GraphStoppedError";
  constructor(
    readonly notStarted: readonly string[],
    reason: unknown,
  ) {
    super(`stopped before starting ${notStarted.join(", ") || "no step"}: ${reason instanceof Error ? reason.message : String(reason)}`, { cause: reason });
  }
}

/**
 * Runs each step as soon as its dependencies are done, independent ones in
 * parallel, each through the StepLog (one line per step with elapsed time).
 * A failed step's dependents never start; running ones finish. Once `signal`
 * aborts no further step starts (running ones finish). Throws a
 * StepFailedError for the first step that failed by itself, else a
 * GraphStoppedError naming the steps that never started.
 */
export async function runGraph<C>(
  specs: readonly StepSpec<C>[],
  ctx: C,
  log: StepLog,
  signal?: AbortSignal,
): Promise<void> {
  const problems = graphProblems(specs);
  if (problems.length) throw new Error(`invalid step graph: ${problems.join("; ")}`);
  const started = new Map<string, Promise<unknown>>();
  const failures: StepFailedError[] = [];
  const ran = new Set<string>();
  const start = (s: StepSpec<C>): Promise<unknown> => {
    const existing = started.get(s.name);
    if (existing) return existing;
    const p = Promise.all(s.deps.map((d) => start(specs.find((x) => x.name === d)!))).then(
      async () => {
        if (signal?.aborted) throw new Skipped(s.name);
        ran.add(s.name);
        try {
          return await log.step(s.name, () => s.run(ctx));
        } catch (err) {
          failures.push(new StepFailedError(s.name, err));
          throw err;
        }
      },
      () => {
        throw new Skipped(s.name);
      },
    );
    started.set(s.name, p);
    return p;
  };
  await Promise.allSettled(specs.map(start));
  if (failures.length) throw failures[0];
  const notStarted = specs.filter((s) => !ran.has(s.name)).map((s) => s.name);
  if (signal?.aborted && notStarted.length) throw new GraphStoppedError(notStarted, signal.reason);
}
