import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { describeCommand } from "../core/command-line.ts";
import { PermanentError } from "../core/errors.ts";
import { waitFor } from "../core/wait.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";

/** Keeps the newest `capacity` items; counts what it had to drop. */
export class Ring<T> {
  #items: T[] = [];
  #head = 0;
  dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new Error(`ring capacity must be a positive integer, got ${capacity}`);
  }

  push(item: T): void {
    if (this.#items.length < this.capacity) {
      this.#items.push(item);
      return;
    }
    this.#items[this.#head] = item;
    this.#head = (this.#head + 1) % this.capacity;
    this.dropped++;
  }

  /** Items oldest first. */
  toArray(): T[] {
    return [...this.#items.slice(this.#head), ...this.#items.slice(0, this.#head)];
  }

  get size(): number {
    return this.#items.length;
  }
}

export interface LineFollower {
  readonly command: string;
  /** Resolves when the process ends (by itself or through stop()). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly running: boolean;
  /** Why the process could not start, if it could not (a missing binary is permanent). */
  readonly error: Error | undefined;
  stderrTail(): string;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * Runs a long-lived CLI (e.g. `kubectl logs -f`) and hands each stdout line to
 * `onLine`. Stderr is kept as a short tail for error messages. A stream is not
 * a one-shot command, so this spawns directly instead of going through run().
 */
export function followLines(
  file: string,
  args: readonly string[],
  onLine: (line: string) => void,
  red: Redactor = defaultRedactor,
): LineFollower {
  const command = red.redact(describeCommand(file, args));
  const child = spawn(file, [...args], { stdio: ["ignore", "pipe", "pipe"] });
  let running = true;
  let stderr = "";
  let spawnError: Error | undefined;
  child.stderr.setEncoding("utf8");
  child.stderr.on("data", (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  createInterface({ input: child.stdout, crlfDelay: Infinity }).on("line", onLine);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("error", (err) => {
      spawnError = (err as NodeJS.ErrnoException).code === "ENOENT" ? new PermanentError(`${file} not found on PATH (running: ${command})`) : err;
      running = false;
      resolve({ code: null, signal: null });
    });
    child.on("close", (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  const stop = async () => {
    if (running) child.kill("SIGTERM");
    await exited;
  };
  return {
    command,
    exited,
    get running() {
      return running;
    },
    get error() {
      return spawnError;
    },
    stderrTail: () => red.redact(stderr),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/**
 * kubectl arguments that follow a container log from `startMs` on, with no
 * race against lines written while the stream opens (`--tail=0` would miss
 * them). The kubelet drops lines whose CRI timestamp is before sinceTime
 * (kubernetes/cri-client v0.35.7 pkg/logs/logs.go:116-117, 246-249), but the
 * time travels as metav1.Time, RFC 3339 in whole seconds
 * (kubernetes/apimachinery v0.35.7 pkg/apis/meta/v1/time.go:203-211), so up to
 * a second of older lines comes back: the reader drops those by their own
 * time. `--tail=-1`: with a selector kubectl would otherwise apply a tail of
 * 10 (kubernetes/kubectl v0.35.7 pkg/cmd/logs/logs.go:240-244).
 */
export function sinceArgs(startMs: number): string[] {
  return [`--since-time=${new Date(startMs).toISOString()}`, "--tail=-1"];
}

/** How a followed stream is doing, for evidence and for the state a wait reports. */
export interface FollowedStats {
  command: string;
  startedAt: string;
  /** Retained lines dropped because the ring was full. */
  dropped: number;
  retained: number;
  /** Parsed lines whose own time is before the stream's start (kubectl's since-time is whole seconds). */
  beforeStart: number;
  running: boolean;
  stderrTail: string;
}

export interface ParsedLogOptions<T> {
  /** Harness time the stream starts from (default: now). */
  startMs?: number;
  /** An item's own event time (epoch ms): items before startMs are dropped and counted. */
  timeOf?: (item: T) => number;
  /** What resets the stream's clock offset, for the message when an awaited item was dropped as too old. */
  clockFix?: string;
}

/** The message for an awaited line that was dropped as older than the stream's start; `fix`: what resets the stream's clock, if known. */
export function beforeStartMessage(label: string, itemMs: number, startMs: number, fix?: string): string {
  return (
    `the ${label} stream dropped the awaited line: its own time ${new Date(itemMs).toISOString()} is ${Math.round(startMs - itemMs)} ms ` +
    `before the stream's start ${new Date(startMs).toISOString()} on this machine's clock, although it was caused after the start: ` +
    `the node's clock is behind this machine's${fix ? `. ${fix}` : ""}`
  );
}

/**
 * A followed log whose lines `parse` turns into items (or skips): the items
 * are kept with their raw lines, oldest first, in a bounded ring. Falco's
 * alerts and Tetragon's events are both read this way.
 */
export class ParsedLog<T> {
  readonly startedAt: string;
  readonly startMs: number;
  readonly #ring: Ring<{ raw: string; item: T }>;
  /** The last items dropped as older than the start, to name a clock problem when one was awaited. */
  readonly #early = new Ring<{ item: T; timeMs: number }>(100);
  readonly #follower: LineFollower;
  readonly #clockFix: string | undefined;
  #beforeStart = 0;

  constructor(readonly label: string, file: string, args: readonly string[], capacity: number, parse: (line: string) => T | undefined, opts: ParsedLogOptions<T> = {}) {
    this.startMs = opts.startMs ?? Date.now();
    this.startedAt = new Date(this.startMs).toISOString();
    this.#clockFix = opts.clockFix;
    this.#ring = new Ring(capacity);
    this.#follower = followLines(file, args, (line) => {
      const item = parse(line);
      if (item === undefined) return;
      const timeMs = opts.timeOf?.(item);
      if (timeMs !== undefined && timeMs < this.startMs) {
        this.#beforeStart++;
        this.#early.push({ item, timeMs });
        return;
      }
      this.#ring.push({ raw: line, item });
    });
  }

  items(): T[] {
    return this.#ring.toArray().map((e) => e.item);
  }

  /** The retained raw lines, oldest first, for the evidence bundle. */
  rawLines(): string[] {
    return this.#ring.toArray().map((e) => e.raw);
  }

  stats(): FollowedStats {
    const f = this.#follower;
    return {
      command: f.command, startedAt: this.startedAt, dropped: this.#ring.dropped, retained: this.#ring.size,
      beforeStart: this.#beforeStart, running: f.running, stderrTail: f.stderrTail(),
    };
  }

  /**
   * Waits for an item matching `pred`; fails at once if the stream could not
   * start or has ended, or if the item arrived but was dropped as older than
   * the start (a clock problem no wait fixes).
   */
  waitForItem(description: string, pred: (item: T) => boolean, timeoutMs: number, state: () => unknown, intervalMs: number): Promise<T> {
    const f = this.#follower;
    return waitFor(
      description,
      () => {
        if (f.error) throw f.error;
        const hit = this.items().find(pred);
        if (hit !== undefined) return { done: true, value: hit };
        const early = this.#early.toArray().find((e) => pred(e.item));
        if (early) throw new PermanentError(beforeStartMessage(this.label, early.timeMs, this.startMs, this.#clockFix));
        if (!f.running) throw new PermanentError(`the ${this.label} stream ended: ${f.command}: ${f.stderrTail()}`);
        return { done: false, state: state() };
      },
      { timeoutMs, intervalMs },
    );
  }

  stop(): Promise<void> {
    return this.#follower.stop();
  }
}
