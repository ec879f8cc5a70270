import { toMs } from "../core/duration.ts";
import { PermanentError } from "../core/errors.ts";
import { waitFor } from "../core/wait.ts";
import { startFalcoCollector, type FalcoCollector } from "../falco/collector.ts";
import { confirmFalcoLive } from "../falco/liveness.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { portForward, type PortForward } from "../kube/port-forward.ts";
import type { Profile } from "../profile.ts";
import { APP, findAppPod, observeEnvironment, type AppPodState } from "./app-pod.ts";
import { startAppTraffic, type AppTraffic } from "./app-probe.ts";
import type { AttemptRecord } from "./attempt.ts";
import { barrier, type BarrierRecord, type MarkerStream } from "./barrier.ts";
import { resolveAttack, type Attack } from "./catalogue.ts";
import { AttemptFailed, runAttack, type AttemptResult } from "./runner.ts";

export interface SessionDeps {
  kube: Kubectl;
  profile: Profile;
}

/**
 * Everything one attack phase needs, live: the app pod, the environment
 * conditions observed in it, a port-forward with continuous app traffic, the
 * Falco alert stream (proven live), and any further marker streams (Tetragon).
 * Each attempt is followed by a barrier across all streams.
 */
export class AttackSession {
  readonly attempts: AttemptRecord[] = [];
  readonly barriers: BarrierRecord[] = [];
  streams: MarkerStream[];

  private constructor(
    readonly deps: SessionDeps,
    readonly phase: string,
    readonly pod: AppPodState,
    readonly env: { ptraceScope: string; conditions: string[] },
    readonly forward: PortForward,
    readonly falco: FalcoCollector,
    readonly traffic: AppTraffic,
  ) {
    this.streams = [falco];
  }

  static async open(deps: SessionDeps, phase: string): Promise<AttackSession> {
    const w = deps.profile.waits;
    const pod = await findAppPod(deps.kube);
    const env = await observeEnvironment(deps.kube, pod);
    const falco = startFalcoCollector({ kubeContext: deps.kube.context });
    let forward: PortForward | undefined;
    try {
      const live = await confirmFalcoLive(falco, deps.kube, pod, w);
      forward = await portForward(deps.kube.context, APP.namespace, `svc/${APP.service}`, APP.servicePort, toMs(w.command));
      const traffic = startAppTraffic(forward.url, toMs(deps.profile.dynamic.probeInterval), toMs(w.command));
      const s = new AttackSession(deps, phase, pod, env, forward, falco, traffic);
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

  /** Runs a barrier across every stream (Falco, and Tetragon when added). */
  async barrier(): Promise<BarrierRecord> {
    const w = this.deps.profile.waits;
    const b = await barrier(this.deps.kube, this.pod, this.streams, { timeoutMs: toMs(w.alertWait), intervalMs: toMs(w.eventPoll) });
    this.barriers.push(b);
    return b;
  }

  /**
   * Runs the attack, records it, then runs a barrier and notes its nonce on
   * the record. The attempt is recorded before the barrier, and also when it
   * did not complete, so an attack that ran never vanishes from the evidence.
   */
  async attack(a: Attack, phase = this.phase): Promise<AttemptResult> {
    if (this.attempts.some((x) => x.attack === a.id && x.phase === phase)) throw new PermanentError(`${a.id} already ran in phase ${phase}`);
    let r: AttemptResult;
    try {
      r = await runAttack({ kube: this.deps.kube, pod: this.pod, timeoutMs: toMs(this.deps.profile.waits.command) }, a, phase);
    } catch (err) {
      if (err instanceof AttemptFailed) this.attempts.push(err.record);
      throw err;
    }
    this.attempts.push(r.record);
    r.record.barrier = (await this.barrier()).nonce;
    return r;
  }

  /**
   * For an attempt no stream may report a kill for: watches `killed` for
   * `delayMs` after the attempt ended (Tetragon's event cache may deliver an
   * earlier event after a later one), then runs a barrier, proving the
   * streams were read past that delay, and notes it on the record as
   * `recheck`. Returns early, without the re-check, once `killed` holds.
   */
  async recheck(record: AttemptRecord, delayMs: number, killed: () => boolean): Promise<boolean> {
    const seen = await waitFor(
      `a late kill of ${record.id}, up to ${delayMs} ms after it ended`,
      () => (killed() ? { done: true, value: true } : Date.now() >= record.endMs + delayMs ? { done: true, value: false } : { done: false, state: "no kill yet" }),
      { timeoutMs: delayMs + toMs(this.deps.profile.waits.command), intervalMs: toMs(this.deps.profile.waits.eventPoll) },
    );
    if (seen) return true;
    record.recheck = (await this.barrier()).nonce;
    return false;
  }

  /** Falco internal event-drop alerts seen so far: absence of an alert is then unproven. */
  falcoDrops(): number {
    return this.falco.internal().filter((a) => /event drop/i.test(a.rule)).length;
  }

  /** Stops the traffic, the port-forward and the Falco stream, each whatever the others did; rethrows the first failure. */
  async close(): Promise<void> {
    // In order: the traffic stops before its port-forward closes, or its last request would fail.
    const errors: unknown[] = [];
    for (const step of [() => this.traffic.stop(), () => this.forward.close(), () => this.falco.stop()]) {
      await step().catch((err: unknown) => errors.push(err));
    }
    if (errors.length) throw new Error(`closing the ${this.phase} attack session failed`, { cause: errors[0] });
  }
}
