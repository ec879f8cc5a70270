import { describe, expect, it } from "vitest";
import { aggregateMemory, parseBytesSize, parseStatsLine, type MemorySample } from "../../../harness/evidence/node-memory.ts";
import type { StepTiming } from "../../../harness/evidence/recorder.ts";
import { formatBytes, memoryView } from "../../../harness/report/render-memory.ts";

/** `docker stats --no-stream --format '{{json .}}' secretproof-control-plane` lines (docker/cli formatter_stats.go field names, sorted keys). */
const line = (mem: string) =>
  `{"BlockIO":"412MB / 1.93GB","CPUPerc":"38.21%","Container":"secretproof-control-plane","ID":"5e0a3c1f9b2d","MemPerc":"35.44%","MemUsage":"${mem}","Name":"secretproof-control-plane","NetIO":"1.31GB / 27.4MB","PIDs":"874"}`;

const GIB = 1024 ** 3;
const t0 = Date.parse("2026-12-01T10:00:00.000Z");
const timing = (name: string, startS: number, durS: number): StepTiming => ({ name, startedAt: new Date(t0 + startS * 1000).toISOString(), durationMs: durS * 1000, ok: true });
const sample = (s: number, gib: number): MemorySample => ({ at: t0 + s * 1000, bytes: Math.round(gib * GIB) });

describe("the kind node's memory from docker stats", () => {
  it("reads go-units BytesSize text back to bytes", () => {
    expect(parseBytesSize("0B")).toBe(0);
    expect(parseBytesSize("512KiB")).toBe(512 * 1024);
    expect(parseBytesSize("1.5GiB")).toBe(1.5 * GIB);
    expect(parseBytesSize("987.3MiB")).toBe(Math.round(987.3 * 1024 ** 2));
    expect(() => parseBytesSize("1.5GB")).toThrow('not a docker BytesSize (e.g. "1.5GiB"): "1.5GB"');
  });

  it("reads usage and limit from a stats line, and nothing while the stats are invalid", () => {
    expect(parseStatsLine(line("2.712GiB / 7.654GiB"))).toEqual({ name: "secretproof-control-plane", usageBytes: Math.round(2.712 * GIB), limitBytes: Math.round(7.654 * GIB) });
    expect(parseStatsLine(line("-- / --"))).toBeUndefined();
    expect(() => parseStatsLine("Error response from daemon: No such container")).toThrow("not JSON");
    expect(() => parseStatsLine('{"Name":"x"}')).toThrow("no MemUsage or Name");
  });

  it("takes each step's peak from the samples inside it, and the run's peak over all", () => {
    const steps = [timing("kind-cluster", 0, 60), timing("falco", 60, 40), timing("suites/e2e/enforcement.test.ts", 100, 30)];
    const m = aggregateMemory([sample(10, 0.8), sample(50, 1.1), sample(70, 2.4), sample(95, 2.1), sample(200, 1.0)], steps, { container: "n", intervalMs: 2000, limitBytes: 8 * GIB });
    expect(m.peakBytes).toBe(Math.round(2.4 * GIB));
    expect(m.samples).toBe(5);
    expect(m.steps).toEqual([
      { name: "kind-cluster", samples: 2, peakBytes: Math.round(1.1 * GIB) },
      { name: "falco", samples: 2, peakBytes: Math.round(2.4 * GIB) },
      { name: "suites/e2e/enforcement.test.ts", samples: 0 },
    ]);
    expect(aggregateMemory([], steps, { container: "n", intervalMs: 2000, error: "No such container" }).error).toBe("No such container");
  });

  it("shows wall time and peak memory per step in the report, and says when nothing was sampled", () => {
    const steps = [timing("falco", 60, 40)];
    const v = memoryView(aggregateMemory([sample(70, 2.4)], steps, { container: "secretproof-control-plane", intervalMs: 2000, limitBytes: 8 * GIB }), steps);
    expect(v.summary).toBe("Peak memory of the kind node secretproof-control-plane: 2.40 GiB of 8.00 GiB available, from 1 `docker stats` samples every 2.0s.");
    expect(v.rows).toEqual([["falco", "40.0s", "2.40 GiB", "1"]]);
    expect(memoryView(undefined, steps).rows).toEqual([]);
    expect(memoryView(aggregateMemory([], steps, { container: "n", intervalMs: 2000, error: "boom" }), steps).summary).toContain("No memory sample of n was read (every 2.0s): boom.");
    expect(formatBytes(512 * 1024 ** 2)).toBe("512.0 MiB");
  });
});
