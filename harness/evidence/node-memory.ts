/**
 * The kind node's memory over a run, from `docker stats --no-stream --format
 * '{{json .}}' <node>`. docker/cli v29.7.2 prints one JSON object per
 * container whose keys are the formatter's fields (cli/command/container/
 * formatter_stats.go:136-146: Container, Name, ID, CPUPerc, MemUsage, MemPerc,
 * NetIO, BlockIO, PIDs); MemUsage is "<usage> / <limit>" (:198-206), each
 * go-units BytesSize: "%.4g" and a binary unit B, KiB … YiB (vendor/github.com/
 * docker/go-units/size.go:37, :72-74), "-- / --" while the container's stats
 * are invalid. The usage leaves out the page cache's inactive files
 * (stats_helpers.go:254-264), so it is what the node's cgroup really holds.
 */

/** A named span of the run: a step or suite timing (recorder.ts StepTiming has these fields). */
export interface Span {
  name: string;
  startedAt: string;
  durationMs: number;
}

export interface MemorySample {
  /** Epoch ms when the sample was read. */
  at: number;
  bytes: number;
}

export interface StepMemory {
  name: string;
  /** Highest sample taken while the step ran, or absent when none fell inside it. */
  peakBytes?: number;
  samples: number;
}

export interface RunMemory {
  container: string;
  intervalMs: number;
  samples: number;
  /** Highest sample over the run, absent when no sample was taken. */
  peakBytes?: number;
  /** The memory limit docker stats reported for the node (the engine's memory when the node has no limit). */
  limitBytes?: number;
  steps: StepMemory[];
  /** Why the last sample could not be read, when no sample was taken. */
  error?: string;
}

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

/** go-units BytesSize text back to bytes ("1.234GiB" → 1325…); throws on anything else. */
export function parseBytesSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?(?:e[+-]\d+)?)([A-Za-z]+)$/.exec(text.trim());
  const power = m ? UNITS.indexOf(m[2]!) : -1;
  if (!m || power < 0) throw new Error(`not a docker BytesSize (e.g. "1.5GiB"): ${JSON.stringify(text)}`);
  return Math.round(Number(m[1]) * 1024 ** power);
}

/** One `docker stats` JSON line: the container's memory use and limit, or undefined while its stats are invalid. */
export function parseStatsLine(line: string): { name: string; usageBytes: number; limitBytes: number } | undefined {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(line) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`docker stats printed a line that is not JSON: ${JSON.stringify(line.slice(0, 200))}`, { cause: err });
  }
  const usage = v.MemUsage;
  if (typeof usage !== "string" || typeof v.Name !== "string") throw new Error(`docker stats JSON has no MemUsage or Name string: ${line.slice(0, 200)}`);
  if (usage === "-- / --") return undefined;
  const parts = usage.split(" / ");
  if (parts.length !== 2) throw new Error(`docker stats MemUsage is not "<usage> / <limit>": ${JSON.stringify(usage)}`);
  return { name: v.Name, usageBytes: parseBytesSize(parts[0]!), limitBytes: parseBytesSize(parts[1]!) };
}

function peakOf(samples: readonly MemorySample[]): number | undefined {
  return samples.length ? Math.max(...samples.map((s) => s.bytes)) : undefined;
}

/** Peak memory per step (a sample counts for every step it fell inside) and over the whole run. Pure. */
export function aggregateMemory(
  samples: readonly MemorySample[],
  steps: readonly Span[],
  meta: { container: string; intervalMs: number; limitBytes?: number; error?: string },
): RunMemory {
  const per = steps.map((t) => {
    const start = Date.parse(t.startedAt);
    const inside = samples.filter((s) => s.at >= start && s.at <= start + t.durationMs);
    const peak = peakOf(inside);
    return { name: t.name, samples: inside.length, ...(peak === undefined ? {} : { peakBytes: peak }) };
  });
  const peak = peakOf(samples);
  return {
    container: meta.container,
    intervalMs: meta.intervalMs,
    samples: samples.length,
    ...(peak === undefined ? {} : { peakBytes: peak }),
    ...(meta.limitBytes === undefined ? {} : { limitBytes: meta.limitBytes }),
    steps: per,
    ...(samples.length === 0 && meta.error ? { error: meta.error } : {}),
  };
}
