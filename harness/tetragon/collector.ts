import { PermanentError } from "../core/errors.ts";
import { waitFor } from "../core/wait.ts";
import { followLines, Ring, type LineFollower } from "../kube/log-follow.ts";
import { TetragonLineParser, type TetragonCounts, type TetragonEvent } from "./event.ts";

export interface TetragonCollectorOptions {
  kubeContext: string;
  /** Only events of processes in this namespace are kept. */
  watchNamespace: string;
  agentNamespace?: string;
  /** `ds/tetragon` by default: the chart's DaemonSet (one pod on a single-node cluster). */
  agent?: string;
  container?: string;
  capacity?: number;
}

export interface TetragonStreamStats extends TetragonCounts {
  command: string;
  startedAt: string;
  dropped: number;
  retained: number;
  running: boolean;
  stderrTail: string;
}

/**
 * A live stream of Tetragon's JSON events from the agent's export-stdout
 * container (the export file the chart writes, followed from now on). Keeps
 * the watched namespace's events with their raw lines in a bounded ring.
 */
export class TetragonCollector {
  readonly name = "tetragon";
  readonly parser: TetragonLineParser;
  readonly startedAt = new Date().toISOString();
  readonly #ring: Ring<{ raw: string; event: TetragonEvent }>;
  readonly #follower: LineFollower;

  constructor(opts: TetragonCollectorOptions) {
    this.parser = new TetragonLineParser(opts.watchNamespace);
    this.#ring = new Ring(opts.capacity ?? 50_000);
    const args = [
      "--context", opts.kubeContext, "logs", "-f",
      "-n", opts.agentNamespace ?? "kube-system",
      opts.agent ?? "ds/tetragon",
      "-c", opts.container ?? "export-stdout",
      "--tail=0",
    ];
    this.#follower = followLines("kubectl", args, (line) => {
      const event = this.parser.parse(line);
      if (event) this.#ring.push({ raw: line, event });
    });
  }

  events(): TetragonEvent[] {
    return this.#ring.toArray().map((e) => e.event);
  }

  rawLines(): string[] {
    return this.#ring.toArray().map((e) => e.raw);
  }

  stats(): TetragonStreamStats {
    return {
      ...this.parser.counts,
      command: this.#follower.command,
      startedAt: this.startedAt,
      dropped: this.#ring.dropped,
      retained: this.#ring.size,
      running: this.#follower.running,
      stderrTail: this.#follower.stderrTail(),
    };
  }

  async waitForEvent(description: string, pred: (e: TetragonEvent) => boolean, timeoutMs: number): Promise<TetragonEvent> {
    return waitFor(
      description,
      () => {
        if (this.#follower.error) throw this.#follower.error;
        const hit = this.events().find(pred);
        if (hit) return { done: true, value: hit };
        if (!this.#follower.running) throw new PermanentError(`the Tetragon stream ended: ${this.#follower.command}: ${this.#follower.stderrTail()}`);
        return { done: false, state: this.stats() };
      },
      { timeoutMs, intervalMs: 200 },
    );
  }

  /** The process_exec event of the marker `true <nonce>`. */
  waitForMarker(nonce: string, timeoutMs: number): Promise<TetragonEvent> {
    return this.waitForEvent(`Tetragon process_exec of marker ${nonce}`, (e) => e.kind === "exec" && (e.process.arguments ?? "").includes(nonce), timeoutMs);
  }

  stop(): Promise<void> {
    return this.#follower.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
