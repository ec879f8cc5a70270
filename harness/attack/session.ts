import { toMs } from "../../clusters/duration.ts";
import { PermanentError } from "../core/errors.ts";
import { waitFor } from "../core/wait.ts";
import { eventDrops } from "../falco/alert.ts";
import { startFalcoCollector, type FalcoCollector } from "../falco/collector.ts";
import { confirmFalcoLive } from "./falco-liveness.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { portForward, type PortForward } from "../kube/port-forward.ts";
import type { Profile } from "../profile.ts";
import { findAppPod, observeEnvironment, podState, type AppPodState } from "./app-pod.ts";
import { idleTraffic, startAppTraffic, type AppTraffic } from "./app-probe.ts";
import { falcoOptions, streamSource } from "./agent-stream.ts";
import { kindWhere, type AttackWhere } from "./where.ts";
import type { AttemptRecord } from "./attempt.ts";
import { awaitMarkers, mark, type BarrierRecord, type MarkerStream, type Undelivered } from "./barrier.ts";
import { clockOffsetProblem } from "./clock.ts";
import { resolveAttack, type Attack } from "./catalogue.ts";
import { AttemptFailed, runAttack, type AttemptResult } from "./runner.ts";

/** Throws, naming the stream and the offset, when its markers prove its clock beyond the profile's limit. */
function assertClockOffset(barriers: readonly BarrierRecord[], stream: string, profile: Profile, pod: AppPodState): void {
  const problem = clockOffsetProblem(barriers, stream, toMs(profile.attribution.clockOffsetLimit));
  if (problem) {
    throw new PermanentError(`${problem} (attribution.clockOffsetLimit ${profile.attribution.clockOffsetLimit}; measured by marker execs in pod ${pod.namespace}/${pod.name})`);
  }
}

export interface SessionDeps {
  kube: Kubectl;
  profile: Profile;
}

/**
 * Everything one attack phase needs, live: the app pod, the environment
 * conditions observed in it, a port-forward with continuous app traffic (when
 * `where` names the app's Service), the Falco alert stream (proven live), and
 * any further marker streams (Tetragon). Each attempt is followed by a marker
 * exec, whose delivery in every stream is awaited after it (attack) or once
 * after a batch (harness/attack/batch.ts).
 */
export class AttackSession {
  readonly attempts: AttemptRecord[] = [];
  readonly barriers: BarrierRecord[] = [];
  streams: MarkerStream[];
  readonly #forward: PortForward | undefined;

  private constructor(
    readonly deps: SessionDeps,
    readonly phase: string,
    readonly pod: AppPodState,
    readonly env: { ptraceScope: string; conditions: string[] },
    forward: PortForward | undefined,
    readonly falco: FalcoCollector,
    readonly traffic: AppTraffic,
    readonly where: AttackWhere,
  ) {
    this.#forward = forward;
    this.streams = [falco];
  }

  /** The port-forward to the app's Service; throws when `where` names no Service (the app is then not probed). */
  get forward(): PortForward {
    if (!this.#forward) throw new PermanentError(`the ${this.phase} attack session has no port-forward: no Service of ${this.where.app.namespace}/${this.where.app.name} was given, so the app is not probed`);
    return this.#forward;
  }

  /** Whether the app is probed through its Service. */
  get probed(): boolean {
    return this.#forward !== undefined;
  }

  static async open(deps: SessionDeps, phase: string, where: AttackWhere = kindWhere()): Promise<AttackSession> {
    const w = deps.profile.waits;
    const pod = where.app.pod ? await podState(deps.kube, where.app.pod, where.app) : await findAppPod(deps.kube, where.app);
    const env = await observeEnvironment(deps.kube, pod);
    const falco = startFalcoCollector(falcoOptions(deps.kube.context, await streamSource(deps.kube, where.falco, pod.nodeName, "Falco")));
    let forward: PortForward | undefined;
    try {
      const live = await confirmFalcoLive(falco, deps.kube, pod, w, where.falco);
      assertClockOffset([live], "falco", deps.profile, pod);
      const svc = where.app.service;
      if (svc) forward = await portForward(deps.kube.context, where.app.namespace, `svc/${svc.name}`, svc.port, toMs(w.command));
      // The traffic stops, naming the port-forward, once kubectl stops forwarding: no "connection refused" samples after it.
      const traffic = forward ? startAppTraffic(forward.url, toMs(deps.profile.dynamic.probeInterval), toMs(w.command), forward.signal) : idleTraffic();
      const s = new AttackSession(deps, phase, pod, env, forward, falco, traffic, where);
      s.barriers.push(live);
      return s;
    } catch (err) {
      await forward?.close();
      await falco.stop();
      throw err;
    }
  }

  /** The attack with the overrides of the environment conditions that hold. */
  resolve(a: Attack): Attack {
    return resolveAttack(a, new Set(this.env.conditions));
  }

  /** Runs a marker exec in the app pod and records it; its delivery is awaited separately (awaitMarkers). */
  async mark(): Promise<BarrierRecord> {
    const b = await mark(this.deps.kube, this.pod);
    this.barriers.push(b);
    return b;
  }

  /** One wait, within waits.alertWait, for the delivery of `records`' markers in every stream (Falco, and Tetragon when added); returns what did not arrive. */
  awaitMarkers(records: readonly BarrierRecord[]): Promise<Undelivered[]> {
    const w = this.deps.profile.waits;
    return awaitMarkers(records, this.pod, this.streams, { timeoutMs: toMs(w.alertWait), intervalMs: toMs(w.eventPoll) });
  }

  /** Runs a barrier across every stream: a marker exec, then the wait for its delivery; throws the first stream's wait error. */
  async barrier(): Promise<BarrierRecord> {
    const b = await this.mark();
    const missing = await this.awaitMarkers([b]);
    if (missing[0]) throw missing[0].error;
    return b;
  }

  /**
   * Runs the attack, records it, then runs a marker exec and notes its nonce
   * on the record as `barrier`, with the nonce of the marker before it as
   * `previousBarrier` (the lower bound of its window). The marker's delivery
   * is not awaited here: a batch of attempts awaits all its markers once
   * (harness/attack/batch.ts), and the judges read each arrival from the
   * streams. The attempt is recorded before the marker, and also when it did
   * not complete; such an attempt gets its marker too, so its late alerts or
   * kills stay in its own window, not the next one's.
   */
  async attempt(a: Attack, phase = this.phase): Promise<AttemptResult> {
    if (this.attempts.some((x) => x.attack === a.id && x.phase === phase)) throw new PermanentError(`${a.id} already ran in phase ${phase}`);
    const previous = this.barriers.at(-1)?.nonce;
    const note = (x: AttemptRecord) => (previous === undefined ? x : Object.assign(x, { previousBarrier: previous }));
    let r: AttemptResult;
    try {
      r = await runAttack({ kube: this.deps.kube, pod: this.pod, timeoutMs: toMs(this.deps.profile.waits.command) }, a, phase);
    } catch (err) {
      if (!(err instanceof AttemptFailed)) throw err;
      this.attempts.push(note(err.record));
      await this.markAfter(err.record, err);
      throw err;
    }
    this.attempts.push(note(r.record));
    await this.markAfter(r.record);
    return r;
  }

  /** The marker exec after an attempt, noted on its record; when it fails, the error names the attempt (and the attempt's own failure). */
  private async markAfter(record: AttemptRecord, failed?: AttemptFailed): Promise<void> {
    try {
      record.barrier = (await this.mark()).nonce;
    } catch (err) {
      const also = failed ? ` (the attempt itself did not complete: ${failed.message})` : "";
      throw new Error(`the marker exec after ${record.id} in pod ${this.pod.namespace}/${this.pod.name} failed${also}`, { cause: err });
    }
  }

  /** One attempt on its own: attempt(), then the wait for its marker in every stream. */
  async attack(a: Attack, phase = this.phase): Promise<AttemptResult> {
    const r = await this.attempt(a, phase);
    const missing = await this.awaitMarkers(this.barriers.filter((b) => b.nonce === r.record.barrier));
    if (missing[0]) throw missing[0].error;
    return r;
  }

  /**
   * For attempts no stream may report a kill for: watches `killed` until
   * `delayMs` after the last of them ended (Tetragon's event cache may
   * deliver an earlier event after a later one: harness/tetragon/event-cache.ts),
   * then runs one barrier, proving the streams were read past that delay,
   * and notes it on every record as `recheck`. Returns early, without the
   * re-check, once `killed` holds.
   */
  async recheck(records: readonly AttemptRecord[], delayMs: number, killed: () => boolean, signal?: AbortSignal): Promise<boolean> {
    if (!records.length) return false;
    const dueMs = Math.max(...records.map((r) => r.endMs)) + delayMs;
    const seen = await waitFor(
      `a late kill of ${records.map((r) => r.id).join(", ")}, up to ${delayMs} ms after the last one ended`,
      () => (killed() ? { done: true, value: true } : Date.now() >= dueMs ? { done: true, value: false } : { done: false, state: "no kill yet" }),
      { timeoutMs: Math.max(0, dueMs - Date.now()) + toMs(this.deps.profile.waits.command), intervalMs: toMs(this.deps.profile.waits.eventPoll), signal },
    );
    if (seen) return true;
    const b = await this.barrier();
    for (const r of records) r.recheck = b.nonce;
    return false;
  }

  /** Fails when the markers of `stream` so far prove its clock too far from this machine's (clockOffsetProblem). */
  assertClock(stream: string): void {
    assertClockOffset(this.barriers, stream, this.deps.profile, this.pod);
  }

  /** Falco internal event-drop alerts seen so far: absence of an alert is then unproven. */
  falcoDrops(): number {
    return eventDrops(this.falco.internal());
  }

  /** Stops the traffic, the port-forward and the Falco stream, each whatever the others did; rethrows the first failure. */
  async close(): Promise<void> {
    // In order: the traffic stops before its port-forward closes, or its last request would fail.
    const errors: unknown[] = [];
    for (const step of [() => this.traffic.stop(), async () => this.#forward?.close(), () => this.falco.stop()]) {
      await step().catch((err: unknown) => errors.push(err));
    }
    if (errors.length) throw new Error(`closing the ${this.phase} attack session failed`, { cause: errors[0] });
  }
}
