import { describe, expect, it } from "vitest";
import { STREAM_CLOCK_FIXES } from "../../../harness/attack/clock.ts";
import { PermanentError } from "../../../harness/core/errors.ts";
import { FalcoCollector } from "../../../harness/falco/collector.ts";
import { ParsedLog, beforeStartMessage, sinceArgs } from "../../../harness/kube/log-follow.ts";
import { TetragonCollector } from "../../../harness/tetragon/collector.ts";

const upper = (line: string) => (line.startsWith("{") ? line.toUpperCase() : undefined);

describe("a followed log keeps the parsed lines of a real process's output", () => {
  it("keeps only the lines its parser accepts, with their raw text, oldest first, and counts what the ring dropped", async () => {
    const log = new ParsedLog("sample", "/bin/sh", ["-c", "printf '{a}\\nnoise\\n{b}\\n{c}\\n'"], 2, upper);
    const c = await log.waitForItem("the {c} line", (x) => x === "{C}", 5000, () => log.stats(), 10);
    expect(c).toBe("{C}");
    await log.stop();
    expect(log.items()).toEqual(["{B}", "{C}"]);
    expect(log.rawLines()).toEqual(["{b}", "{c}"]);
    expect(log.stats()).toMatchObject({ command: expect.stringContaining("/bin/sh -c"), dropped: 1, retained: 2, running: false });
  });

  it("fails at once, naming the stream, when the process ended without the awaited line", async () => {
    const log = new ParsedLog("sample", "/bin/sh", ["-c", "echo '{x}'; echo gone >&2"], 10, upper);
    await expect(log.waitForItem("a {y} line", (x) => x === "{Y}", 5000, () => log.stats(), 10)).rejects.toThrow(/the sample stream ended: .*gone/s);
  });

  it("reports a missing binary as a permanent error", async () => {
    const log = new ParsedLog("sample", "secretproof-no-such-binary", [], 10, upper);
    await log.stop();
    const err = await log.waitForItem("anything", () => true, 5000, () => log.stats(), 10).catch((e: unknown) => e);
    expect((err as Error).cause).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/secretproof-no-such-binary not found on PATH/);
  });
});

describe("a followed log read from its start on, with no race against the stream's opening", () => {
  it("asks kubectl for every line since the start (the kubelet rounds since-time down to the second), with no selector tail", () => {
    expect(sinceArgs(Date.parse("2026-11-26T10:23:10.512Z"))).toEqual(["--since-time=2026-11-26T10:23:10.512Z", "--tail=-1"]);
  });

  // Lines "{<ms>}" carry their own time, as Falco's and Tetragon's JSON lines do.
  const timed = (line: string) => (line.startsWith("{") ? Number(line.slice(1, -1)) : undefined);

  it("drops the lines whose own time is before the start (the second kubectl's since-time gives back), and counts them", async () => {
    const log = new ParsedLog("sample", "/bin/sh", ["-c", "printf '{900}\\n{999}\\n{1000}\\n{1500}\\n'"], 10, timed, { startMs: 1000, timeOf: (x) => x });
    await log.waitForItem("the 1500 line", (x) => x === 1500, 5000, () => log.stats(), 10);
    expect(log.items()).toEqual([1000, 1500]);
    expect(log.stats()).toMatchObject({ beforeStart: 2, retained: 2, startedAt: new Date(1000).toISOString() });
  });

  it("names the clock when the awaited line arrived but was older than the start: no wait fixes that", async () => {
    const log = new ParsedLog("Falco", "/bin/sh", ["-c", "printf '{700}\\n'; exec sleep 5"], 10, timed, { startMs: 1000, timeOf: (x) => x });
    const err = await log.waitForItem("the marker", (x) => x === 700, 5000, () => log.stats(), 10).catch((e: unknown) => e);
    await log.stop();
    expect((err as Error).cause).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/the Falco stream dropped the awaited line: .* 300 ms before the stream's start .*node's clock is behind/);
  });

  it("says how far before the start the dropped line was", () => {
    expect(beforeStartMessage("Tetragon", 0, 1000)).toMatch(/^the Tetragon stream dropped the awaited line: its own time 1970-01-01T00:00:00.000Z is 1000 ms before/);
    expect(beforeStartMessage("Tetragon", 0, 1000)).toMatch(/node's clock is behind this machine's$/);
  });

  it("tells how to reset Falco's clock base when Falco's awaited line was dropped as too old", async () => {
    const fix = "Falco's boot-time clock offset is fixed when Falco starts: restart Falco (kubectl -n falco rollout restart ds/falco)";
    expect(beforeStartMessage("Falco", 0, 1000, STREAM_CLOCK_FIXES.falco)).toMatch(/node's clock is behind this machine's\. Falco's boot-time clock offset is fixed when Falco starts: restart Falco \(kubectl -n falco rollout restart ds\/falco\)$/);
    expect(STREAM_CLOCK_FIXES.falco).toBe(fix);
    const log = new ParsedLog("Falco", "/bin/sh", ["-c", "printf '{700}\\n'; exec sleep 5"], 10, timed, { startMs: 1000, timeOf: (x) => x, clockFix: fix });
    const err = await log.waitForItem("the marker", (x) => x === 700, 5000, () => log.stats(), 10).catch((e: unknown) => e);
    await log.stop();
    expect((err as Error).message).toContain(`behind this machine's. ${fix}`);
  });
});

describe("the Falco and Tetragon collectors follow from their start", () => {
  it("ask kubectl for the lines since their start, never `--tail=0` (which misses what is written while the stream opens)", async () => {
    const falco = new FalcoCollector({ kubeContext: "kind-secretproof-unit-none" });
    const tetragon = new TetragonCollector({ kubeContext: "kind-secretproof-unit-none", watchNamespace: "test-dynamic" });
    try {
      for (const c of [falco, tetragon]) {
        const { command, startedAt } = c.stats();
        expect(command).toContain(`--since-time=${startedAt}`);
        expect(command).toContain("--tail=-1");
        expect(command).not.toContain("--tail=0");
      }
    } finally {
      await Promise.all([falco.stop(), tetragon.stop()]);
    }
  });
});
