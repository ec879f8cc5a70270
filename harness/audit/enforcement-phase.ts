import { stringify } from "yaml";
import { toMs } from "../../clusters/duration.ts";
import { streamSource, type StreamSource } from "../attack/agent-stream.ts";
import { AttemptBatch } from "../attack/batch.ts";
import type { Attack } from "../attack/catalogue.ts";
import { sparedFirst } from "../attack/phase-order.ts";
import type { AttackWhere } from "../attack/where.ts";
import { sessionEnforcementEvidence, writeEnforcementEvidence, type EnforcementExtras } from "../claims/enforcement/evidence.ts";
import { enforcementFamily, judgeEnforcement } from "../claims/enforcement/family.ts";
import { spareKills, type EnforcementEvidence, type ObservedPod, type PhaseWindow } from "../claims/enforcement/judge.ts";
import type { Verdict } from "../claims/verdict.ts";
import type { RemovalProof } from "../tetragon/enforcing.ts";
import { waitFor } from "../core/wait.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { Profile } from "../profile.ts";
import type { TetragonCollectorOptions } from "../tetragon/collector.ts";
import { AfterRemoval, type ProvenRemoval } from "./after-removal.ts";
import { recordedCatalogue } from "./attack-phase.ts";
import type { AttackPrep } from "./attack-step.ts";
import { auditWhere } from "./attack-where.ts";
import { RecordedEnforcementError } from "./enforcement-error.ts";
import { observeApp, replicaStates } from "./enforcement-observe.ts";
import type { EnforcementSession, EnforcementStream } from "./enforcement-types.ts";
import type { EnforcedAttackContext, EnforcedAttacks } from "./policy-step.ts";
import { restoredRead } from "./restored-read.ts";
import type { AuditTarget } from "./target.ts";

/** What the enforcement phase talks to: kubectl (get pods, exec through the session), the session, Tetragon's stream. */
export interface EnforcementIo {
  kube: Pick<Kubectl, "json" | "context">;
  openSession(where: AttackWhere, phase: string): Promise<EnforcementSession>;
  openTetragon(opts: TetragonCollectorOptions): EnforcementStream;
}

export interface EnforcementPhase {
  io: EnforcementIo;
  target: AuditTarget;
  profile: Profile;
  /** The catalogue on the target's paths, with what is not run and why (prepareAttack). */
  prep: AttackPrep;
  rec: ArtifactWriter;
}

/** The Tetragon collector's options for a source (a pod or a DaemonSet: `kubectl logs -f` takes one object), keeping `watchNamespace`'s events. */
export function tetragonOptions(kubeContext: string, watchNamespace: string, src: StreamSource): TetragonCollectorOptions {
  const agent = src.pod ? `pod/${src.pod}` : src.daemonSet ? `ds/${src.daemonSet}` : undefined;
  if (!agent) throw new Error(`the Tetragon stream is read from a pod or a DaemonSet, not selector ${src.selector ?? "?"}`);
  return { kubeContext, watchNamespace, agentNamespace: src.namespace, agent, container: src.container };
}

/** The target's names with the attacked pod pinned to the one the policy was proven on; throws when Tetragon is absent. Pure. */
export function pinnedWhere(t: AuditTarget, pod: string): AttackWhere & { tetragon: NonNullable<AttackWhere["tetragon"]> } {
  const w = auditWhere(t);
  if (!w.tetragon) throw new Error("target.tetragon is absent: the enforcement phase needs Tetragon's stream to prove each kill");
  return { ...w, tetragon: w.tetragon, app: { ...w.app, pod } };
}

/** Opens Tetragon's stream from the agent pod on the attacked pod's node and adds it to the session's marker streams. */
async function openTetragon(c: EnforcementPhase, s: EnforcementSession, where: ReturnType<typeof pinnedWhere>): Promise<EnforcementStream> {
  const src = await streamSource(c.io.kube, where.tetragon, s.pod.nodeName, "Tetragon");
  const tetragon = c.io.openTetragon(tetragonOptions(c.io.kube.context, where.app.namespace, src));
  s.streams.push(tetragon);
  return tetragon;
}

/** Proves Tetragon's stream live: a marker exec delivered in every stream within waits.streamLive, its clock within the limit. */
async function proveTetragonLive(c: EnforcementPhase, s: EnforcementSession, signal: AbortSignal): Promise<void> {
  const w = c.profile.waits;
  await waitFor("the Tetragon event stream to deliver a marker exec", async () => ({ done: true, value: await s.barrier() }), { timeoutMs: toMs(w.streamLive), intervalMs: toMs(w.poll), signal });
  s.assertClock("tetragon");
}

/**
 * The catalogue entries to run, spared ones first (phase-order.ts), as a
 * batch: each attempt followed by its marker, one wait for every marker. An
 * interrupt (the lifecycle's signal) fails the remaining steps at once, so
 * they stay unattempted, and ends the phase. Then the spared attempts are re-checked past
 * waits.tetragonEventDelay (AttackSession.recheck).
 */
async function runUnderPolicy(c: EnforcementPhase, s: EnforcementSession, phase: PhaseWindow, signal: AbortSignal, now: () => EnforcementEvidence): Promise<void> {
  const attacks = sparedFirst(c.prep.cat.attacks.filter((a) => c.prep.cat.notRun[a.id] === undefined));
  const step = (a: Attack) => s.attempt(a).finally(() => void (phase.attacksEndMs = Date.now()));
  // An interrupt (the lifecycle removing the policy) starts no further step, and no fresh marker either.
  await AttemptBatch.run(s, attacks, step, () => (signal.aborted ? `interrupted: ${String(signal.reason instanceof Error ? signal.reason.message : signal.reason)}` : undefined));
  // Interrupted: the lifecycle is removing the policy; nothing more is observed under it.
  if (signal.aborted) throw signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason));
  const spared = attacks.filter((a) => s.resolve(a).enforcement.tetragon === "spare");
  const records = spared.flatMap((a) => s.attempts.find((x) => x.phase === "enforcement" && x.attack === a.id) ?? []);
  await s.recheck(records, phase.recheckAfterMs ?? 0, () => records.some((r) => spareKills(r, now()) > 0), signal);
  phase.attacksEndMs = Date.now();
}


/**
 * The callback --apply-policy runs while its policy enforces: an attack
 * session of phase "enforcement" on the pod the policy was proven on,
 * Tetragon's stream from the agent on its node (proven live), the target's
 * catalogue run and re-checked, the app observed. Once the policy's removal
 * and unload are proven, the same session reads the password again
 * (restored-read.ts). Then the session and the stream close, and the
 * enforcement family's evidence is written as the suite writes it and T1-T3
 * judged and recorded with its judges, once. The session and the stream
 * always close; the evidence is written whenever the stream was opened.
 */
export function enforcedAttacks(c: EnforcementPhase): EnforcedAttacks {
  return async (ctx: EnforcedAttackContext) => {
    const where = pinnedWhere(c.target, ctx.pod.name);
    // The policy is the auditor's: a kill of an entry the catalogue expects spared is stated, not failed (judge.ts judgeT1).
    const phase: PhaseWindow = { policy: ctx.policy.metadata.name, enforcingFromMs: ctx.proof.provenAtMs, attacksEndMs: 0, recheckAfterMs: toMs(c.profile.waits.tetragonEventDelay), auditorsPolicy: true };
    // Stamped before the session looks at the pod and starts the app's traffic: every probe then follows the "before" sample.
    const at = new Date().toISOString();
    const s = await c.io.openSession(where, "enforcement");
    const podBefore: ObservedPod = { ...s.pod, at };
    const st: PhaseState = {};
    const extras = (t: EnforcementStream): EnforcementExtras => ({
      catalogue: recordedCatalogue(s, c.prep.cat, c.prep.paths), priorities: c.prep.priorities, tetragon: t, policy: stringify(ctx.policy), podBefore, podAfter: st.podAfter, proof: ctx.proof, phase, removal: st.removal,
    });
    try {
      phase.replicas = { before: await replicaStates(c.io.kube, where.app) };
      const t = (st.tetragon = await openTetragon(c, s, where));
      await proveTetragonLive(c, s, ctx.signal);
      await runUnderPolicy(c, s, phase, ctx.signal, () => sessionEnforcementEvidence(s, extras(t)));
      st.podAfter = await observeApp(c, s, where.app, phase, ctx.signal);
    } catch (err) {
      st.failure = { err };
    }
    const finish = () => closeAndRecord(c, s, st, extras);
    const t = st.tetragon;
    if (st.failure || !t) return finish();
    const afterRemoval = async (removal: ProvenRemoval, signal: AbortSignal) => {
      st.removal = removal.proof;
      await restoredRead(c, s, phase, removal, signal, () => sessionEnforcementEvidence(s, extras(t))).catch((err: unknown) => void (st.failure = { err }));
    };
    return new AfterRemoval(afterRemoval, finish);
  };
}

interface PhaseState {
  tetragon?: EnforcementStream;
  podAfter?: ObservedPod;
  removal?: RemovalProof;
  failure?: { err: unknown };
}

/** Closes the stream and the session, writes the evidence and records T1-T3; a failure of the phase is thrown carrying them. */
async function closeAndRecord(c: EnforcementPhase, s: EnforcementSession, st: PhaseState, extras: (t: EnforcementStream) => EnforcementExtras): Promise<Verdict[]> {
  const closing = await Promise.allSettled([st.tetragon?.stop(), s.close()]);
  if (!st.tetragon) throw st.failure?.err ?? new Error("the Tetragon stream was not opened");
  const verdicts = judgeEnforcement(await writeEnforcementEvidence(c.rec, s, extras(st.tetragon)));
  await c.rec.verdicts(enforcementFamily.id, verdicts);
  const closeError = closing.find((r) => r.status === "rejected");
  if (st.failure) {
    const failure = st.failure.err;
    throw new RecordedEnforcementError(`the enforcement phase failed; its evidence and verdicts so far were recorded: ${failure instanceof Error ? failure.message : String(failure)}`, verdicts, failure);
  }
  if (closeError) throw new RecordedEnforcementError("the enforcement session did not close cleanly; its evidence and verdicts were recorded", verdicts, closeError.reason);
  return verdicts;
}
