import { run } from "../../core/exec.ts";
import { aggregateMemory, parseStatsLine, type MemorySample, type RunMemory } from "../../evidence/node-memory.ts";
import type { StepTiming } from "../../evidence/recorder.ts";

/**
 * Samples the kind node container's memory with `docker stats --no-stream`
 * every `intervalMs` (the profile's waits.poll) while a run brings the stack
 * up and the suites run. Before the node exists a sample fails and is skipped;
 * the last failure is kept for the record. The arithmetic is in
 * harness/evidence/node-memory.ts.
 */
export class NodeMemorySampler {
  readonly #samples: MemorySample[] = [];
  #limitBytes: number | undefined;
  #error: string | undefined;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;

  constructor(
    readonly container: string,
    readonly intervalMs: number,
    private readonly commandTimeoutMs: number,
  ) {}

  start(): this {
    this.#timer = setInterval(() => void this.#sample(), this.intervalMs);
    this.#timer.unref();
    void this.#sample();
    return this;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #sample(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const r = await run("docker", ["stats", "--no-stream", "--format", "{{json .}}", this.container], { timeoutMs: this.commandTimeoutMs });
      const line = r.stdout.split("\n").find((l) => l.trim() !== "");
      const s = line === undefined ? undefined : parseStatsLine(line);
      // a node that is stopping or restarting reports empty stats ("0B / 0B": moby daemon/stats.go:29-35); not a sample
      if (s && s.limitBytes > 0) {
        this.#samples.push({ at: Date.now(), bytes: s.usageBytes });
        this.#limitBytes = s.limitBytes;
      }
    } catch (err) {
      // the message's first line names the command, the rest is its stderr ("No such container: …")
      this.#error = err instanceof Error ? err.message.replace(/\s*\n\s*/g, " ").slice(0, 500) : String(err);
    } finally {
      this.#busy = false;
    }
  }

  /** Peak memory over the run and within each step or suite timing. */
  result(steps: readonly StepTiming[]): RunMemory {
    return aggregateMemory(this.#samples, steps, {
      container: this.container,
      intervalMs: this.intervalMs,
      ...(this.#limitBytes === undefined ? {} : { limitBytes: this.#limitBytes }),
      ...(this.#error === undefined ? {} : { error: this.#error }),
    });
  }
}
