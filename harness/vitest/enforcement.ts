import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import { toMs } from "../../clusters/duration.ts";
import { NS } from "../../clusters/names.ts";
import { podState } from "../attack/app-pod.ts";
import { loadAttackMatrix } from "../attack/matrix-catalogue.ts";
import { AttemptBatch } from "../attack/batch.ts";
import type { Attack } from "../attack/catalogue.ts";
import { sparedFirst } from "../attack/phase-order.ts";
import { AttackSession } from "../attack/session.ts";
import { detectionFamily } from "../claims/detection/family.ts";
import { missingDetectionAttempts } from "../claims/detection/judge.ts";
import { LAYOUT as DETECTION } from "../claims/detection/layout.ts";
import { sessionEnforcementEvidence, writeEnforcementEvidence, type EnforcementExtras } from "../claims/enforcement/evidence.ts";
import { enforcementFamily, judgeEnforcement } from "../claims/enforcement/family.ts";
import type { ObservedPod, PhaseWindow } from "../claims/enforcement/judge.ts";
import { waitFor } from "../core/wait.ts";
import { observePolicyLoad, policyLoadMessage, policyLoadProblems } from "../tetragon/app-survival.ts";
import { TetragonCollector } from "../tetragon/collector.ts";
import { waitEnforcing, waitRemoved, type EnforcingProof, type RemovalProof } from "../tetragon/enforcing.ts";
import { applyPolicy, deletePolicy, loadPolicy, policiesPresent, policyText, selectsPod } from "../tetragon/policy.ts";
import { activeMutation } from "../mutations/env.ts";
import { mutatedPolicy } from "../mutations/hooks.ts";
import type { E2E } from "./e2e.ts";
import { removalWaitNeeded } from "./policy-removal.ts";
import { e2eTest } from "./fixtures.ts";
import { runStopped, throwIfStopped, type Stopped } from "./run-stop.ts";

export const { priorities, catalogue } = loadAttackMatrix();
const designed = loadPolicy();
/** The policy the suite applies: the file, or what the active mutation made of it (recorded as applied). */
export const policy = mutatedPolicy(designed, activeMutation());

/** Phase 2's state: what the fixtures set up and the tests observe, recorded as evidence at the end. */
export interface EnforcementRun {
  phase: PhaseWindow;
  s?: AttackSession;
  tetragon?: TetragonCollector;
  podBefore?: ObservedPod;
  podAfter?: ObservedPod;
  proof?: EnforcingProof;
  removal?: RemovalProof;
  /** Set just before the policy is applied: the cleanup then waits for it to unload (policy-removal.ts). */
  policyApplied?: boolean;
  unloadWaited?: boolean;
}

export function enforcementExtras(run: EnforcementRun): EnforcementExtras {
  const { s, tetragon, podBefore } = run;
  if (!s || !tetragon || !podBefore) throw new Error("phase 2 has not started: no attack session, Tetragon stream or pod observed before the policy");
  const { podAfter, proof, removal, phase } = run;
  return { catalogue: { environment: s.env, attacks: catalogue.attacks.map((a) => s.resolve(a)) }, priorities, tetragon, podBefore, podAfter, proof, removal, phase, policy: policy === designed ? policyText() : stringify(policy) };
}

/** The enforcement evidence so far, for a judge. */
export const enforcementNow = (run: EnforcementRun) => sessionEnforcementEvidence(run.s as AttackSession, enforcementExtras(run));

/** The pod's state, stamped with a time taken before the look (conservative for an "after" sample). */
export async function observePod(e2e: E2E, run: EnforcementRun): Promise<ObservedPod> {
  const at = new Date().toISOString();
  return { ...(await podState(e2e.kube, (run.podBefore as ObservedPod).name)), at };
}

/** Phase 2 starts only after phase 1 recorded its verdicts and an attempt of every catalogue entry in this run. */
async function requirePhase1(e2e: E2E): Promise<void> {
  const phase1 = "phase 1 (detection.test.ts) has not run in this run: run the e2e project, which runs the families' suites in claim-table order";
  await access(join(e2e.ctx.runDir, "verdicts", `${detectionFamily.id}.json`)).catch((err: unknown) => {
    throw new Error(phase1, { cause: err });
  });
  const attempts = await readFile(join(e2e.ctx.runDir, DETECTION.attempts), "utf8").catch((err: unknown) => {
    throw new Error(phase1, { cause: err });
  });
  const missing = missingDetectionAttempts(catalogue.attacks.map((a) => a.id), attempts);
  if (missing.length) throw new Error(`phase 1 (detection.test.ts) did not attempt ${missing.join(", ")} in this run; every matrix row needs both phases`);
  const present = await policiesPresent(e2e.kube, NS.app);
  if (present.length) throw new Error(`a TracingPolicyNamespaced is already in ${NS.app}: ${present.join(", ")}; the suite must start from the cluster without it`);
}

/**
 * Removes the policy and checks none is left, then, when the last test did
 * not prove it unloaded, waits for that (waitRemoved, within
 * waits.policyEnforcing) so the next suite's execs in the app pod are not
 * killed; its proof is recorded. A failed removal is reported after every other cleanup ran.
 */
async function removePolicy(e2e: E2E): Promise<void> {
  await deletePolicy(e2e.kube, policy).catch((err: unknown) => {
    throw new Error(`could not remove TracingPolicyNamespaced ${policy.metadata.name}`, { cause: err });
  });
  const left = await policiesPresent(e2e.kube, NS.app);
  if (left.length) throw new Error(`the suite left TracingPolicyNamespaced ${left.join(", ")} behind`);
}

/**
 * Waits for Tetragon to unload the deleted policy when the last test did not
 * prove it. The file's last cleanup, after the evidence is recorded: a
 * cancelled run's worker is stopped a grace after the cancel, and the wait
 * must never cost the recording.
 */
async function awaitUnload(e2e: E2E, run: EnforcementRun): Promise<void> {
  if (!removalWaitNeeded(run)) return;
  run.unloadWaited = true;
  const wait = { timeoutMs: toMs(e2e.profile.waits.policyEnforcing), intervalMs: toMs(e2e.profile.waits.poll) };
  run.removal = await waitRemoved(e2e.kube, (run.s as AttackSession).pod, policy, wait, toMs(e2e.profile.waits.command)).catch((err: unknown) => {
    throw new Error(`TracingPolicyNamespaced ${policy.metadata.name} was deleted but Tetragon did not unload it within waits.policyEnforcing: a later suite's exec in the app pod could still be killed`, { cause: err });
  });
}

/** Records the evidence and verdicts once the session is closed, whatever closing it did, when phase 2 got as far as a Tetragon stream. */
async function recordEnforcement(e2e: E2E, run: EnforcementRun): Promise<void> {
  if (!run.s || !run.podBefore || !run.tetragon) return;
  run.podAfter ??= await observePod(e2e, run).catch(() => undefined);
  const written = await writeEnforcementEvidence(e2e.evidence, run.s, enforcementExtras(run));
  await e2e.evidence.verdicts(enforcementFamily.id, judgeEnforcement(written));
}

/**
 * Phase 2's fixtures, file-scoped, set up from the suite's beforeAll (a
 * cancelled run lets a hook finish; it aborts a running test, its fixture
 * setup included). The batch of attempts is one of them: it asks whether the
 * run is stopping before each step (harness/vitest/run-stop.ts), as the
 * session and the policy's fixtures do before they start, so after a cancel
 * at most the running step finishes. Cleanup, in this order whatever failed: the policy is
 * removed (the cluster is left without it), the Tetragon stream stops, the
 * session closes, the evidence and verdicts are recorded, then, if no test
 * proved it, the policy's unload is awaited (a later suite execs in the pod).
 */
export const enforcementTest = e2eTest
  .extend("run", { scope: "file" }, (): EnforcementRun => ({ phase: { policy: policy.metadata.name, enforcingFromMs: 0, attacksEndMs: 0 } }))
  .extend("stopped", { scope: "file" }, (): Stopped => runStopped())
  .extend("s", { scope: "file" }, async ({ e2e, teardown, run, stopped }) => {
    teardown.defer(() => awaitUnload(e2e, run));
    teardown.defer(() => recordEnforcement(e2e, run));
    teardown.defer(() => removePolicy(e2e));
    // Set before any attempt: a spare verdict then needs the re-check, even if the run stops before it.
    run.phase.recheckAfterMs = toMs(e2e.profile.waits.tetragonEventDelay);
    await requirePhase1(e2e);
    throwIfStopped(stopped, "the enforcement attack session");
    const s = (run.s = teardown.adopt(await AttackSession.open({ kube: e2e.kube, profile: e2e.profile }, "enforcement"), (x) => x.close()));
    // Stamped after the session looked at the pod (a later time than the look: conservative for a "before" sample), before the policy is applied.
    const podBefore = (run.podBefore = { ...s.pod, at: new Date().toISOString() });
    if (!selectsPod(policy, podBefore.labels)) throw new Error(`the policy's podSelector ${JSON.stringify(policy.spec.podSelector)} does not select pod ${podBefore.name} (labels ${JSON.stringify(podBefore.labels)})`);
    return s;
  })
  .extend("tetragon", { scope: "file" }, async ({ e2e, teardown, run, s }) => {
    const tetragon = (run.tetragon = teardown.adopt(new TetragonCollector({ kubeContext: e2e.kube.context, watchNamespace: NS.app }), (t) => t.stop()));
    s.streams.push(tetragon);
    await waitFor("the Tetragon event stream to deliver a marker exec", async () => ({ done: true, value: await s.barrier() }), {
      timeoutMs: toMs(e2e.profile.waits.streamLive),
      intervalMs: toMs(e2e.profile.waits.poll),
    });
    s.assertClock("tetragon");
    return tetragon;
  })
  .extend("enforcing", { scope: "file", auto: true }, async ({ e2e, teardown, run, s, tetragon, stopped }) => {
    throwIfStopped(stopped, `applying TracingPolicyNamespaced ${policy.metadata.name}`);
    const appliedAtMs = Date.now();
    // Removed first at cleanup (newest first), before the stream stops and the session closes: a slow close cannot keep the policy on the cluster.
    teardown.defer(() => removePolicy(e2e));
    run.policyApplied = true;
    await applyPolicy(e2e.kube, policy);
    const enforcing = { timeoutMs: toMs(e2e.profile.waits.policyEnforcing), intervalMs: toMs(e2e.profile.waits.poll) };
    const proof = (run.proof = await waitEnforcing(e2e.kube, s.pod, policy, enforcing, toMs(e2e.profile.waits.command)));
    run.phase.enforcingFromMs = proof.provenAtMs;
    // The policy must spare the app: checked first, so a killed app fails here with its likely cause, not later as T2.
    proof.appAfterLoad = await observePolicyLoad(e2e.kube, s.forward, s.pod, () => tetragon.events(), appliedAtMs, toMs(e2e.profile.waits.command));
    const harmed = policyLoadProblems(proof.appAfterLoad);
    if (harmed.length) throw new Error(policyLoadMessage(proof.appAfterLoad, harmed));
    return proof;
  })
  // Every entry runs first, the spared ones first (harness/attack/phase-order.ts), each followed by its marker exec; then one wait for every marker in both streams.
  .extend("batch", { scope: "file" }, async ({ run, s, enforcing, stopped }) => {
    void enforcing;
    const attempt = (a: Attack) => s.attempt(a).finally(() => {
      run.phase.attacksEndMs = Date.now();
    });
    // The first attempt's window starts after the policy's canary kill and the survival check, not at the Tetragon
    // stream's liveness marker: this marker's delivery is awaited with the batch's (harness/attack/batch.ts).
    await s.mark();
    return AttemptBatch.run(s, sparedFirst(catalogue.attacks), attempt, stopped);
  });
