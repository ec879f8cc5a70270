import type { PodIdentity } from "../attack/attempt.ts";
import { fromPodProcess, TetragonLineParser, type TetragonCounts, type TetragonEvent } from "./event.ts";
import { ParsedLog, sinceArgs, type FollowedStats } from "../kube/log-follow.ts";

export interface TetragonCollectorOptions {
  kubeContext: string;
  /** Only events of processes in this namespace are kept. */
  watchNamespace: string;
  agentNamespace?: string;
  /** `ds/tetragon` by default: the chart's DaemonSet (one pod on a single-node cluster); `pod/<name>` for the agent on one node. */
  agent?: string;
  container?: string;
  capacity?: number;
}

export interface TetragonStreamStats extends TetragonCounts, FollowedStats {}

/** The `kubectl logs -f` arguments of the stream: ds/tetragon's export-stdout in kube-system unless told otherwise. Pure. */
export function tetragonLogArgs(opts: TetragonCollectorOptions, startMs: number): string[] {
  return ["--context", opts.kubeContext, "logs", "-f", "-n", opts.agentNamespace ?? "kube-system", opts.agent ?? "ds/tetragon", "-c", opts.container ?? "export-stdout", ...sinceArgs(startMs)];
}

/**
 * A live stream of Tetragon's JSON events from the agent's export-stdout
 * container (the export file the chart writes, followed from the collector's
 * start on, with no race against the stream's opening). Keeps
 * the watched namespace's events with their raw lines in a bounded ring.
 */
export class TetragonCollector {
  readonly name = "tetragon";
  readonly parser: TetragonLineParser;
  readonly #log: ParsedLog<TetragonEvent>;

  constructor(opts: TetragonCollectorOptions) {
    this.parser = new TetragonLineParser(opts.watchNamespace);
    // From now on, without racing the stream's opening; events carry their own `time` to drop older ones.
    const startMs = Date.now();
    const args = tetragonLogArgs(opts, startMs);
    this.#log = new ParsedLog("Tetragon", "kubectl", args, opts.capacity ?? 50_000, (line) => this.parser.parse(line), { startMs, timeOf: (e) => e.timeMs });
  }

  get startedAt(): string {
    return this.#log.startedAt;
  }

  events(): TetragonEvent[] {
    return this.#log.items();
  }

  rawLines(): string[] {
    return this.#log.rawLines();
  }

  stats(): TetragonStreamStats {
    return { ...this.parser.counts, ...this.#log.stats() };
  }

  waitForEvent(description: string, pred: (e: TetragonEvent) => boolean, timeoutMs: number, intervalMs: number): Promise<TetragonEvent> {
    return this.#log.waitForItem(description, pred, timeoutMs, () => this.stats(), intervalMs);
  }

  /** The process_exec event of the marker `true <nonce>` in `pod`'s container. */
  waitForMarker(nonce: string, pod: PodIdentity, timeoutMs: number, intervalMs: number): Promise<TetragonEvent> {
    return this.waitForEvent(
      `Tetragon process_exec of marker ${nonce} in pod ${pod.namespace}/${pod.name}`,
      (e) => e.kind === "exec" && (e.process.arguments ?? "").includes(nonce) && fromPodProcess(e.process, pod),
      timeoutMs,
      intervalMs,
    );
  }

  stop(): Promise<void> {
    return this.#log.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
