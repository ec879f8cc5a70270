import { ParsedLog, sinceArgs, type FollowedStats } from "../kube/log-follow.ts";
import { FALCO_CLOCK_FIX, FalcoLineParser, fromPod, isMarker, type AlertPod, type FalcoAlert, type LineCounts } from "./alert.ts";

export interface FalcoCollectorOptions {
  kubeContext: string;
  namespace?: string;
  selector?: string;
  /** Follow this one Falco pod (the one on the attacked pod's node) instead of every pod `selector` matches. */
  pod?: string;
  container?: string;
  /** Most alert lines kept in memory; older ones are dropped and counted. */
  capacity?: number;
}

export interface FalcoStreamStats extends LineCounts, FollowedStats {}

/**
 * The `kubectl logs -f` arguments of the stream: by default every pod of the
 * chart's selector in namespace falco, container falco (the kind stack); a
 * named pod instead when given. Pure.
 */
export function falcoLogArgs(opts: FalcoCollectorOptions, startMs: number): string[] {
  const source = opts.pod ? [`pod/${opts.pod}`] : ["-l", opts.selector ?? "app.kubernetes.io/name=falco"];
  return ["--context", opts.kubeContext, "logs", "-f", "-n", opts.namespace ?? "falco", ...source, "-c", opts.container ?? "falco", ...sinceArgs(startMs)];
}

/**
 * A live stream of Falco's JSON alerts from the agent's container log, from
 * the collector's start on (no alert raised after the start is missed while
 * the stream opens).
 * Keeps our alerts and Falco's internal alerts (event drops) with their raw
 * lines in a bounded ring; other lines are only counted.
 */
export class FalcoCollector {
  readonly name = "falco";
  readonly parser = new FalcoLineParser();
  readonly #log: ParsedLog<FalcoAlert>;

  constructor(opts: FalcoCollectorOptions) {
    // From now on, without racing the stream's opening; alerts carry their event time (`time`) to drop older ones.
    const startMs = Date.now();
    const args = falcoLogArgs(opts, startMs);
    this.#log = new ParsedLog("Falco", "kubectl", args, opts.capacity ?? 50_000, (line) => this.parser.parse(line).alert, {
      startMs,
      timeOf: (a) => a.timeMs,
      clockFix: FALCO_CLOCK_FIX,
    });
  }

  get startedAt(): string {
    return this.#log.startedAt;
  }

  alerts(): FalcoAlert[] {
    return this.#log.items().filter((a) => a.source !== "internal");
  }

  internal(): FalcoAlert[] {
    return this.#log.items().filter((a) => a.source === "internal");
  }

  /** The retained raw JSON lines, oldest first, for the evidence bundle. */
  rawLines(): string[] {
    return this.#log.rawLines();
  }

  stats(): FalcoStreamStats {
    return { ...this.parser.counts, ...this.#log.stats() };
  }

  /** Waits for an alert (not an internal one) matching `pred`; fails at once if the stream has ended. */
  waitForAlert(description: string, pred: (a: FalcoAlert) => boolean, timeoutMs: number, intervalMs: number): Promise<FalcoAlert> {
    return this.#log.waitForItem(description, (a) => a.source !== "internal" && pred(a), timeoutMs, () => this.stats(), intervalMs);
  }

  /**
   * Waits for the liveness marker alert of `nonce` from `pod`'s container
   * (by container id, or by pod name when Falco resolved it); returns it. The
   * marker rule matches in any container, so the pod is checked here.
   */
  waitForMarker(nonce: string, pod: AlertPod, timeoutMs: number, intervalMs: number): Promise<FalcoAlert> {
    return this.waitForAlert(`Falco marker alert for ${nonce} from pod ${pod.namespace}/${pod.name}`, (a) => isMarker(a, nonce) && fromPod(a, pod), timeoutMs, intervalMs);
  }

  stop(): Promise<void> {
    return this.#log.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}

export function startFalcoCollector(opts: FalcoCollectorOptions): FalcoCollector {
  return new FalcoCollector(opts);
}
