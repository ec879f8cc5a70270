import type { StepTiming } from "../evidence/recorder.ts";
import { type CriticalPath, criticalPath, type TimedNode } from "./critical-path.ts";
import type { GraphStep } from "./model.ts";

/** The recorded timings, each with the dependencies its step declares in `graph` (a step the graph does not name keeps what it had). */
export function withDeps(timings: readonly StepTiming[], graph: readonly GraphStep[]): StepTiming[] {
  return timings.map((t) => {
    const deps = graph.find((g) => g.name === t.name)?.deps;
    return deps ? { ...t, deps: [...deps] } : t;
  });
}

/** A suite file as vitest ran it, before its dependencies are known. */
export interface SuiteRun {
  name: string;
  startedAt: string;
  durationMs: number;
  ok: boolean;
}

/**
 * The suites' graph: the files ran one after another in `order` (the
 * sequencer's), the first after `after` (the setup's last step); a file
 * whose suite awaits a background task also waits for it (`awaits`: file
 * name -> the task's timing name).
 */
export function suiteDeps(runs: readonly SuiteRun[], after: string, awaits: Readonly<Record<string, string>> = {}): StepTiming[] {
  const sorted = [...runs].sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
  return sorted.map((r, i) => {
    const prev = i ? (sorted[i - 1] as SuiteRun).name : after;
    const task = Object.entries(awaits).find(([file]) => r.name.endsWith(file))?.[1];
    return { ...r, deps: task ? [prev, task] : [prev] };
  });
}

const toNode = (t: StepTiming): TimedNode => {
  const startMs = Date.parse(t.startedAt);
  return { id: t.name, deps: t.deps ?? [], startMs, endMs: startMs + t.durationMs };
};

/** The run's critical path over its recorded steps and suites, from when the run started. */
export function runCriticalPath(run: { startedAt: string; steps: readonly StepTiming[]; suites: readonly StepTiming[] }): CriticalPath {
  const nodes = [...run.steps, ...run.suites].filter((t) => Number.isFinite(Date.parse(t.startedAt))).map(toNode);
  const t0 = Date.parse(run.startedAt);
  return criticalPath(nodes, Number.isFinite(t0) ? Math.min(t0, ...nodes.map((n) => n.startMs)) : undefined);
}
