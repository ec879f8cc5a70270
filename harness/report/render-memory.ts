import { formatMs } from "../../clusters/duration.ts";
import type { RunMemory } from "../evidence/node-memory.ts";
import type { StepTiming } from "../evidence/recorder.ts";

/** JSON Schema of run.json's optional `memory` (harness/evidence/node-memory.ts). */
export const runMemorySchema = {
  type: "object",
  required: ["container", "intervalMs", "samples", "steps"],
  properties: {
    container: { type: "string" },
    intervalMs: { type: "number", minimum: 0 },
    samples: { type: "integer", minimum: 0 },
    peakBytes: { type: "number", minimum: 0 },
    limitBytes: { type: "number", minimum: 0 },
    error: { type: "string" },
    steps: {
      type: "array",
      items: {
        type: "object",
        required: ["name", "samples"],
        properties: { name: { type: "string" }, samples: { type: "integer", minimum: 0 }, peakBytes: { type: "number", minimum: 0 } },
      },
    },
  },
} as const;

/** "2.71 GiB" / "512.0 MiB". */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 ** 3 ? `${(bytes / 1024 ** 3).toFixed(2)} GiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
}

export interface MemoryView {
  summary: string;
  header: string[];
  rows: string[][];
}

/** What a laptop run cost: wall time and the kind node's peak memory per step and suite. Pure. */
export function memoryView(memory: RunMemory | undefined, timings: readonly StepTiming[]): MemoryView {
  const header = ["step or suite", "wall time", "peak memory of the kind node", "samples"];
  if (!memory) return { summary: "This run recorded no memory samples (an older secretproof, or not the e2e tier).", header, rows: [] };
  const every = `every ${formatMs(memory.intervalMs)}`;
  const summary =
    memory.peakBytes === undefined
      ? `No memory sample of ${memory.container} was read (${every})${memory.error ? `: ${memory.error}` : ""}.`
      : `Peak memory of the kind node ${memory.container}: ${formatBytes(memory.peakBytes)}` +
        `${memory.limitBytes ? ` of ${formatBytes(memory.limitBytes)} available` : ""}, from ${memory.samples} \`docker stats\` samples ${every}.`;
  const rows = memory.steps.map((s) => {
    const t = timings.find((x) => x.name === s.name);
    return [s.name, t ? formatMs(t.durationMs) : "—", s.peakBytes === undefined ? "not sampled" : formatBytes(s.peakBytes), String(s.samples)];
  });
  return { summary, header, rows };
}
