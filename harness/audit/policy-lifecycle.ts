import { isPermanent } from "../core/errors.ts";
import { AfterRemoval, type ProvenRemoval } from "./after-removal.ts";
import type { EnforcingProof, RemovalProof } from "../tetragon/enforcing.ts";
import type { TracingPolicyDoc } from "../tetragon/policy.ts";
import type { PreparedPolicy } from "./policy-file.ts";
import { orphanOf, secondSignalStops, SIGNAL_EXIT } from "./policy-guards.ts";
import { manualDeleteCommand, type PolicyKube } from "./policy-kube.ts";
import { enforcingOf, initialRecord, POLICY_LAYOUT, type PolicyRecord, removalProblem, removalProofOf } from "./policy-record.ts";

/** Where SIGINT and SIGTERM are heard; the process by default. */
export interface SignalHooks {
  on(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void;
  off(signal: NodeJS.Signals, handler: (signal: NodeJS.Signals) => void): void;
}

export const processSignals: SignalHooks = {
  on: (s, h) => void process.on(s, h),
  off: (s, h) => void process.off(s, h),
};

/** What the lifecycle talks to. The proofs carry their own deadlines (profile waits.policyEnforcing). */
export interface PolicyLifecycle {
  kube: PolicyKube;
  /** Waits until the policy kills an unauthorized canary read (waitEnforcing). */
  proveEnforcing(policy: TracingPolicyDoc, signal: AbortSignal): Promise<EnforcingProof>;
  /** Waits until the agent unlists it and a canary read succeeds (waitRemoved). */
  proveRemoved(policy: TracingPolicyDoc, signal: AbortSignal): Promise<RemovalProof>;
  /** Writes a bundle artifact (the run's ArtifactWriter). */
  write(rel: string, content: string | object): Promise<unknown>;
  /** Says something the operator must see (stderr). */
  warn(text: string): void;
  /** Hears each new state of the record (e.g. to copy its summary into run.json). */
  onRecord?(record: PolicyRecord): void;
  signals?: SignalHooks;
  /** Ends the process on an accepted second interrupt (secondSignalStops); process.exit by default. */
  exit?(code: number): void;
  /** The clock the second interrupt is timed with; Date.now by default. */
  now?(): number;
  /** How long after the first interrupt a second one still counts as the same Ctrl-C (profile waits.poll). */
  signalGraceMs: number;
  /** Longest the create or the delete may take (profile waits.command): past it the call counts as unanswered. */
  commandTimeoutMs: number;
}

/** `p`, or an error naming `what` once `ms` passed without its answer. */
function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer within ${ms} ms (waits.command)`)), ms);
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** What the attack run is handed: the policy, proven enforcing before it is called, and a signal aborted on an interrupt. */
export interface AppliedPolicyContext {
  policy: TracingPolicyDoc;
  proof: EnforcingProof;
  signal: AbortSignal;
}

/** The policy's removal failed or is unproven; the record says the rest. */
export class PolicyRemovalError extends Error {
  override readonly name = "PolicyRemovalError";
}

const HEARD: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Applies the prepared policy, proves it enforces, runs `attacks`, and always
 * removes it: on success, on a failure of the callback or the proof, and on
 * SIGINT/SIGTERM/SIGHUP (the attacks aborted and the policy removed; the
 * record says which signal, and the run finishes and finalizes its bundle,
 * the caller exiting 130/143/129). A second signal stops at once, printing the
 * command that removes it by hand, only once the delete was sent and more than
 * signalGraceMs after the first (secondSignalStops). Only the object this run
 * created is ever deleted, by its uid. Then the unload is proven.
 * audit/policy.yaml (as sent) and audit/policy.json (each step) are written as
 * it goes. When `attacks` returns an AfterRemoval, its `afterRemoval` runs
 * only once the removal and the unload were proven (never on an interrupt),
 * and its `finish` always runs after that, giving the value.
 */
export async function withAppliedPolicy<T>(l: PolicyLifecycle, p: PreparedPolicy, attacks: (ctx: AppliedPolicyContext) => Promise<T | AfterRemoval<T>>): Promise<{ value: T; record: PolicyRecord }> {
  const record = initialRecord(p);
  const manual = manualDeleteCommand(l.kube.context, record.namespace, record.name);
  const what = `${record.kind} ${record.namespace}/${record.name}`;
  const save = async () => {
    l.onRecord?.(record);
    await l.write(POLICY_LAYOUT.record, record);
  };
  const run = new AbortController();
  const removal = new AbortController();
  const now = l.now ?? Date.now;
  const timing: { firstAtMs?: number; deleteSentAtMs?: number; removedAtMs?: number; proof?: ProvenRemoval["proof"] } = {};
  const deleteSent = () => {
    timing.deleteSentAtMs = now();
    if (record.interrupted) l.warn(`${record.interrupted}: the delete of ${what} was sent; press Ctrl-C again to stop without waiting for its answer and the unload`);
  };
  let creating: Promise<{ uid: string } | undefined> | undefined;
  let cleanup: Promise<void> | undefined;
  const removeOnce = () => (cleanup ??= remove(l, p.doc, record, creating, manual, removal.signal, deleteSent, timing).then(save));
  const signals = l.signals ?? processSignals;
  const exit = l.exit ?? ((code: number) => process.exit(code));
  const onSignal = (sig: NodeJS.Signals) => {
    if (record.interrupted) {
      if (!secondSignalStops({ firstAtMs: timing.firstAtMs!, deleteSentAtMs: timing.deleteSentAtMs, nowMs: now(), graceMs: l.signalGraceMs })) return;
      l.warn(`${sig} again: stopping without waiting for the removal. If ${what} is still there, remove it by hand:\n  ${manual}`);
      removal.abort(new Error(`interrupted twice (${sig})`));
      exit(SIGNAL_EXIT[sig] ?? 130);
      return;
    }
    record.interrupted = sig;
    timing.firstAtMs = now();
    l.warn(`${sig}: removing ${what}, then finishing the bundle${timing.deleteSentAtMs === undefined ? "" : " (its delete was sent: press Ctrl-C again to stop without waiting)"}`);
    run.abort(new Error(`interrupted by ${sig}`));
    void removeOnce().catch((err: unknown) => l.warn(`recording the removal of ${what} failed: ${message(err)}`));
  };
  for (const s of HEARD) signals.on(s, onSignal);
  let failure: { err: unknown } | undefined;
  let value: T | AfterRemoval<T> | undefined;
  try {
    await l.write(POLICY_LAYOUT.applied, p.yaml);
    // An interrupt before this point created nothing, and its cleanup has run: nothing may be created after it.
    if (run.signal.aborted) throw run.signal.reason;
    creating = withDeadline(l.kube.create(p.doc), l.commandTimeoutMs, `the create of ${what}`);
    const { uid } = (await creating)!;
    Object.assign(record, { uid, appliedAt: new Date().toISOString() });
    await save();
    if (run.signal.aborted) throw run.signal.reason;
    const proof = await l.proveEnforcing(p.doc, run.signal).catch(async (err: unknown) => {
      record.enforcing = { error: message(err) };
      await save();
      throw new Error(`${what} was not proven enforcing, so no attack was run: ${message(err)}`, { cause: err });
    });
    record.enforcing = enforcingOf(proof);
    await save();
    if (run.signal.aborted) throw run.signal.reason;
    value = await attacks({ policy: p.doc, proof, signal: run.signal });
  } catch (err) {
    if (creating === undefined || !record.uid) record.createError ??= message(err);
    failure = { err };
  }
  try {
    await removeOnce();
  } finally {
    if (value instanceof AfterRemoval) value = await continued(value, record, timing, run.signal).catch((err: unknown) => void (failure ??= { err }));
    for (const s of HEARD) signals.off(s, onSignal);
  }
  const problem = removalProblem(record);
  const removalError = problem ? new PolicyRemovalError(problem) : undefined;
  if (failure) throw removalError ? new AggregateError([failure.err, removalError], `${message(failure.err)}; and ${problem}`) : failure.err;
  if (removalError) throw removalError;
  return { value: value as T, record };
}

/** The continuation after a proven removal and unload (none on an interrupt or after a failure of either), then always its `finish`. */
async function continued<T>(next: AfterRemoval<T>, record: PolicyRecord, proven: { removedAtMs?: number; proof?: ProvenRemoval["proof"] }, signal: AbortSignal): Promise<T> {
  const ok = removalProblem(record) === undefined && record.removal?.proven === true && !record.interrupted && !signal.aborted;
  let failed: { err: unknown } | undefined;
  if (ok && proven.removedAtMs !== undefined && proven.proof) await next.afterRemoval({ removedAtMs: proven.removedAtMs, proof: proven.proof }, signal).catch((err: unknown) => void (failed = { err }));
  const value = await next.finish();
  if (failed) throw failed.err;
  return value;
}

/** Deletes what this run created, by name and uid, then proves the unload; a failure is recorded and shouted, never thrown. */
async function remove(l: PolicyLifecycle, doc: TracingPolicyDoc, record: PolicyRecord, creating: Promise<{ uid: string } | undefined> | undefined, manual: string, signal: AbortSignal, deleteSent: () => void, proven: { removedAtMs?: number; proof?: ProvenRemoval["proof"] }): Promise<void> {
  const what = `${record.kind} ${record.namespace}/${record.name}`;
  // An interrupt during the create waits for its answer: an object created a moment later is still removed.
  const created = await creating?.then(
    (c) => ({ c }),
    (err: unknown) => ({ err }),
  );
  let uid = created && "c" in created ? created.c?.uid : undefined;
  if (uid === undefined) {
    const err = created && "err" in created ? created.err : undefined;
    // A permanent error is the API server's refusal (a 4xx: nothing created); anything else may have lost the answer to a create that happened.
    if (err === undefined || isPermanent(err)) {
      record.removal = { outcome: "not-created", proven: false };
      return;
    }
    uid = await findOrphan(l, record, err, manual);
    if (uid === undefined) return;
  }
  try {
    deleteSent();
    const outcome = await withDeadline(l.kube.delete(record.name, uid), l.commandTimeoutMs, `the delete of ${what}`);
    proven.removedAtMs = Date.now();
    record.removal = { outcome, removedAt: new Date(proven.removedAtMs).toISOString(), proven: false };
  } catch (err) {
    record.removal = { outcome: "failed", proven: false, error: message(err), manualDelete: manual };
    l.warn(`\n!!! ${what} was NOT removed from the cluster: ${message(err)}\n!!! Remove it by hand:\n!!!   ${manual}\n`);
    return;
  }
  // Another object has the name now: ours is gone, and the agent's listing of that name is not ours to prove.
  if (record.removal.outcome === "replaced") return void l.warn(`${what} was replaced by another object (the delete's uid precondition failed); that object was not touched`);
  try {
    proven.proof = await l.proveRemoved(doc, signal);
    Object.assign(record.removal, removalProofOf(proven.proof));
  } catch (err) {
    record.removal.error = message(err);
    l.warn(`${what} was deleted, but Tetragon was not proven to unload it: ${message(err)}`);
  }
}

/**
 * A create without an answer may have committed (the client cannot abort the
 * POST): the object of that name carrying this run's label is looked for
 * within waits.command. Its uid when found; otherwise the removal is recorded
 * and the operator told how to check and remove it.
 */
async function findOrphan(l: PolicyLifecycle, record: PolicyRecord, createErr: unknown, manual: string): Promise<string | undefined> {
  const what = `${record.kind} ${record.namespace}/${record.name}`;
  const looked = await withDeadline(l.kube.find(record.name, record.runLabel), l.commandTimeoutMs, `the list of ${what} by ${record.runLabel.key}`).then(
    (found) => orphanOf(found, record.runLabel),
    (err: unknown) => ({ ours: false as const, why: `looking for it failed: ${message(err)}` }),
  );
  if (looked.ours) {
    record.uid = looked.uid;
    return looked.uid;
  }
  const error = `${message(createErr)}; ${looked.why}`;
  record.removal = { outcome: "not-created", proven: false, error, manualDelete: manual };
  l.warn(`The create of ${what} got no answer (${error}); it may exist. Check with\n  ${manual.replace(" delete ", " get ")}\nand remove it by hand with\n  ${manual}`);
  return undefined;
}
