import { PermanentError } from "../core/errors.ts";
import { waitFor } from "../core/wait.ts";
import { followLines, Ring, type LineFollower } from "../kube/log-follow.ts";
import { MARKER_RULE } from "../claims/falco.ts";
import { FalcoLineParser, type FalcoAlert, type LineCounts } from "./alert.ts";

export interface FalcoCollectorOptions {
  kubeContext: string;
  namespace?: string;
  selector?: string;
  container?: string;
  /** Most alert lines kept in memory; older ones are dropped and counted. */
  capacity?: number;
}

export interface FalcoStreamStats extends LineCounts {
  command: string;
  startedAt: string;
  /** Retained lines dropped because the ring was full. */
  dropped: number;
  retained: number;
  running: boolean;
  stderrTail: string;
}

interface Entry {
  raw: string;
  alert: FalcoAlert;
}

/**
 * A live stream of Falco's JSON alerts from the agent's container log.
 * Keeps our alerts and Falco's internal alerts (event drops) with their raw
 * lines in a bounded ring; other lines are only counted.
 */
export class FalcoCollector {
  readonly name = "falco";
  readonly parser = new FalcoLineParser();
  readonly startedAt = new Date().toISOString();
  readonly #ring: Ring<Entry>;
  readonly #follower: LineFollower;

  constructor(opts: FalcoCollectorOptions) {
    this.#ring = new Ring(opts.capacity ?? 50_000);
    const args = [
      "--context", opts.kubeContext, "logs", "-f",
      "-n", opts.namespace ?? "falco",
      "-l", opts.selector ?? "app.kubernetes.io/name=falco",
      "-c", opts.container ?? "falco",
      "--tail=0",
    ];
    this.#follower = followLines("kubectl", args, (line) => this.#onLine(line));
  }

  #onLine(line: string): void {
    const r = this.parser.parse(line);
    if (r.alert) this.#ring.push({ raw: line, alert: r.alert });
  }

  alerts(): FalcoAlert[] {
    return this.#ring.toArray().filter((e) => e.alert.source !== "internal").map((e) => e.alert);
  }

  internal(): FalcoAlert[] {
    return this.#ring.toArray().filter((e) => e.alert.source === "internal").map((e) => e.alert);
  }

  /** The retained raw JSON lines, oldest first, for the evidence bundle. */
  rawLines(): string[] {
    return this.#ring.toArray().map((e) => e.raw);
  }

  stats(): FalcoStreamStats {
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

  /** Waits for an alert matching `pred`; fails at once if the stream has ended. */
  async waitForAlert(description: string, pred: (a: FalcoAlert) => boolean, timeoutMs: number, intervalMs = 200): Promise<FalcoAlert> {
    return waitFor(
      description,
      () => {
        if (this.#follower.error) throw this.#follower.error;
        const hit = this.alerts().find(pred);
        if (hit) return { done: true, value: hit };
        if (!this.#follower.running) throw new PermanentError(`the Falco stream ended: ${this.#follower.command}: ${this.#follower.stderrTail()}`);
        return { done: false, state: this.stats() };
      },
      { timeoutMs, intervalMs },
    );
  }

  /** Waits for the liveness marker alert of `nonce`; returns it. */
  waitForMarker(nonce: string, timeoutMs: number): Promise<FalcoAlert> {
    return this.waitForAlert(
      `Falco marker alert for ${nonce}`,
      (a) => a.rule === MARKER_RULE && String(a.fields["proc.cmdline"] ?? "").includes(nonce),
      timeoutMs,
    );
  }

  stop(): Promise<void> {
    return this.#follower.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

export function startFalcoCollector(opts: FalcoCollectorOptions): FalcoCollector {
  return new FalcoCollector(opts);
}
