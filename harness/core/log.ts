import { formatMs } from "../../clusters/duration.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { StepTiming } from "../evidence/recorder.ts";

export interface StepLogOptions {
  write?: (line: string) => void;
  redactor?: Redactor;
  now?: () => number;
}

/**
 * Progress for long work: one line per step with the time since the run began
 * and the step's own duration. Plain lines, no spinners, so logs read the same
 * on a TTY and in CI. Every line passes the redaction layer.
 */
export class StepLog {
  readonly timings: StepTiming[] = [];
  readonly #running = new Set<string>();
  readonly #write: (line: string) => void;
  readonly #redactor: Redactor;
  readonly #now: () => number;
  readonly #t0: number;

  constructor(opts: StepLogOptions = {}) {
    this.#write = opts.write ?? ((l) => process.stderr.write(`${l}\n`));
    this.#redactor = opts.redactor ?? defaultRedactor;
    this.#now = opts.now ?? Date.now;
    this.#t0 = this.#now();
  }

  info(message: string): void {
    this.#write(this.#redactor.redact(`[${formatMs(this.#now() - this.#t0).padStart(6)}] ${message}`));
  }

  /** Steps started and not yet ended, in the order they started. */
  running(): string[] {
    return [...this.#running];
  }

  /** Runs one named step, logging its start and end and recording its timing. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const start = this.#now();
    this.info(`${name} …`);
    this.#running.add(name);
    try {
      const value = await fn();
      const durationMs = this.#now() - start;
      this.timings.push({ name, startedAt: new Date(start).toISOString(), durationMs, ok: true });
      this.info(`${name} done (${formatMs(durationMs)})`);
      return value;
    } catch (err) {
      const durationMs = this.#now() - start;
      const message = this.#redactor.redact(err instanceof Error ? err.message : String(err));
      this.timings.push({ name, startedAt: new Date(start).toISOString(), durationMs, ok: false, error: message });
      this.info(`${name} FAILED after ${formatMs(durationMs)}: ${message}`);
      throw err;
    } finally {
      this.#running.delete(name);
    }
  }
}
