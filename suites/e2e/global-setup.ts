import type { TestProject } from "vitest/node";
import type { E2EContext } from "../../harness/cluster/run/context.ts";
import { downForRun } from "../../harness/cluster/run/down.ts";
import { afterSetupFailure } from "../../harness/cluster/run/setup-failure.ts";
import { createRun, recordedVerdicts } from "../../harness/cluster/run/run-dir.ts";
import { sweepLeftovers } from "../../harness/cluster/run/sweep.ts";
import { up } from "../../harness/cluster/up/up.ts";
import { toMs } from "../../clusters/duration.ts";
import { kubectl } from "../../harness/kube/kubectl.ts";
import { StepLog } from "../../harness/core/log.ts";
import { relative } from "node:path";
import type { EvidenceRecorder, RunRecord } from "../../harness/evidence/recorder.ts";
import { deriveReports } from "../../harness/report/write-report.ts";
import { requireTier } from "../../harness/preflight.ts";
import { loadProfile, type Profile } from "../../harness/profile.ts";
import { describeRunBound, e2eRunBound, observationSplit } from "../../harness/cluster/run/run-bound.ts";
import { formatMs } from "../../clusters/duration.ts";
import { usePinnedTools } from "../../harness/tools/paths.ts";
import { armSuitesDeadline, DeadlineError, withDeadline } from "../../harness/vitest/run-deadline.ts";
import { runStopFile } from "../../harness/vitest/run-stop.ts";
import { NodeMemorySampler } from "../../harness/cluster/run/node-memory-sampler.ts";
import { clusterName, controlPlaneNode } from "../../clusters/names.ts";
import { loadSecrets } from "../../harness/cluster/state/state.ts";
import { UP_STEPS } from "../../harness/cluster/up/steps.ts";
import { setupGraph } from "../../harness/perf/model.ts";
import { suiteDeps, withDeps } from "../../harness/perf/run-graph.ts";
import { startDynamicObservation, type BackgroundObservation } from "../../harness/cluster/run/background.ts";
import { startNetworkCollection } from "../../harness/cluster/run/network-background.ts";
import { SUITE_AWAITS } from "../../harness/cluster/run/suite-awaits.ts";

const SETUP_END = "sweep-leftovers";
const DYNAMIC_SUITE = "suites/e2e/dynamic.test.ts";
const NETWORK_SUITE = "suites/e2e/network.test.ts";
import { activeMutation } from "../../harness/mutations/env.ts";
import { recordMutationOutcome } from "../../harness/mutations/run-outcome.ts";

/** The run's status: from vitest's results when it has them, else failed if any recorded verdict failed. */
async function runStatus(project: TestProject, runDir: string): Promise<RunRecord["status"]> {
  const modules = project.vitest.state.getTestModules();
  if (modules.length > 0) return modules.every((m) => m.ok()) && project.vitest.state.errorsSet.size === 0 ? "passed" : "failed";
  return (await recordedVerdicts(runDir)).some((v) => v.verdict === "fail") ? "failed" : "passed";
}

/** One timing per suite file, from vitest's own record of the run (its start, when vitest has it), each with what it waited for. */
function recordSuites(project: TestProject, rec: EvidenceRecorder, startedAt: string): void {
  const files = project.vitest.state.getFiles();
  const runs = project.vitest.state.getTestModules().map((m) => {
    const start = files.find((f) => f.filepath === m.moduleId)?.result?.startTime;
    return {
      name: relative(process.cwd(), m.moduleId),
      startedAt: start ? new Date(start).toISOString() : startedAt,
      durationMs: Math.round(m.diagnostic().duration),
      ok: m.ok(),
    };
  });
  suiteDeps(runs, SETUP_END, SUITE_AWAITS).forEach((t) => rec.suite(t));
}

/** What runs beside the suites from the end of bring-up. */
interface Background {
  dynamic: BackgroundObservation;
  network: BackgroundObservation;
}

/**
 * Preflight, `up` (reusing a live cluster), the sweep of leftovers; the
 * context every suite injects; then the dynamic observation starts beside the
 * suites (harness/claims/dynamic/collect-background.ts), dynamic.test.ts asserting on it last,
 * and N1's collection beside A1 and A2 (harness/cluster/run/network-background.ts), the
 * detection suite's session waiting for it to end and network.test.ts judging it.
 */
async function bringUp(project: TestProject, profile: Profile, rec: EvidenceRecorder, log: StepLog, signal: AbortSignal): Promise<Background> {
  const pre = await log.step("preflight", () => requireTier("e2e"));
  // The kernel kind runs on is the engine's (a VM's off Linux): run.json records what preflight found there.
  for (const c of pre.results) if (c.found && (c.name.startsWith("engine") || c.name === "kind node image")) rec.record.environment[c.name] = c.found;
  const r = await up({ profile, log, evidence: rec, skipPreflight: true, signal });
  // every step had started when the deadline passed and `up` finished later: the setup has failed already
  signal.throwIfAborted();
  const kube = kubectl(r.kubeContext, toMs(profile.waits.command));
  const swept = await log.step(SETUP_END, () => sweepLeftovers(kube));
  if (swept.length > 0) log.info(`swept what an earlier run left: ${swept.join("; ")}`);
  const ctx: E2EContext = { profile: profile.name, clusterName: r.clusterName, kubeContext: r.kubeContext, stateDir: r.stateDir, runDir: rec.dir };
  project.provide("secretproof", ctx);
  const target = { kube, profile, evidence: rec, ctx, secrets: await loadSecrets(r.stateDir) };
  signal.throwIfAborted();
  const info = (line: string) => log.info(line);
  return { dynamic: startDynamicObservation(target, SETUP_END, info), network: startNetworkCollection(target, SETUP_END, info) };
}

/**
 * e2e tier setup: preflight, `up` (reusing a live cluster), a run directory
 * for the evidence, and the context every suite injects. Teardown writes
 * run.json and SHA256SUMS on every run, pass or fail, and deletes the cluster
 * only when SECRETPROOF_TEARDOWN=1 (otherwise it stays for inspection), after
 * a failed setup too (harness/cluster/run/setup-failure.ts).
 * The setup (waits.bringUp) and the suites (budget) each have a deadline from
 * the profile (harness/cluster/run/run-bound.ts), so the whole run, teardown
 * included, ends within the bound the workflow's step timeout is checked against.
 * When the setup's deadline passes, `up` starts no further step, the running
 * ones get diagnostics (within the suites' budget, unused then).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  usePinnedTools();
  const profile = loadProfile();
  const teardown = process.env.SECRETPROOF_TEARDOWN === "1";
  const bound = e2eRunBound(profile, { teardown });
  // Under a mutation (SECRETPROOF_MUTATION) the run is judged by its declared outcome (harness/mutations/outcome.ts).
  const mutation = activeMutation();
  const amend = mutation ? { amend: (r: RunRecord) => recordMutationOutcome(r, mutation) } : {};
  const rec = await createRun(profile, { command: "npm test", ...(mutation ? { mutation: mutation.name } : {}) });
  const log = new StepLog();
  log.info(`bounds: ${describeRunBound(profile, bound)}`);
  // The node's memory at the profile's poll interval, per step and suite, into run.json (memory).
  const memory = new NodeMemorySampler(controlPlaneNode(clusterName()), toMs(profile.waits.poll), toMs(profile.waits.command)).start();
  const recordMemory = () => {
    memory.stop();
    rec.record.memory = memory.result([...rec.record.steps, ...rec.record.suites]);
  };
  let ok = false;
  let background: Background | undefined;
  const stop = new AbortController();
  try {
    const late = () =>
      `the e2e setup (preflight, up, sweep) passed the ${profile.name} profile's waits.bringUp of ${formatMs(bound.setupMs)}` +
      ` with ${log.running().join(", ") || "no step"} still running`;
    background = await withDeadline(bringUp(project, profile, rec, log, stop.signal), bound.setupMs, late);
    ok = true;
  } catch (err) {
    stop.abort(err);
    throw await afterSetupFailure(err, { profile, rec, log, late: err instanceof DeadlineError, teardown });
  } finally {
    withDeps(log.timings, setupGraph(UP_STEPS)).forEach((t) => rec.step(t));
    if (!ok) {
      recordMemory();
      await rec.finalize("failed", { derive: deriveReports, ...amend });
    }
  }
  const suitesStartedAt = new Date().toISOString();
  // The suites' workers see the deadline and a cancel before each attempt of a batch (harness/vitest/run-stop.ts).
  const runStop = runStopFile(rec.dir, Date.now() + bound.suitesDeadlineMs);
  project.provide("secretproofStop", runStop.stop);
  project.vitest.onCancel(runStop.onCancel);
  const deadline = armSuitesDeadline({
    // vitest's CancelReason admits any string, but only through its own type
    cancel: (reason) => project.vitest.cancelCurrentRun(reason as Parameters<TestProject["vitest"]["cancelCurrentRun"]>[0]),
    deadlineMs: bound.suitesDeadlineMs,
    graceMs: bound.graceMs,
    what: `the ${profile.name} profile's budget (${profile.budget})`,
    log: (line) => log.info(line),
    // the observation's running step ends at its next probe, so its evidence is complete before the teardown seals it;
    // N1's collection starts no further command
    onFire: (reason) => {
      background?.dynamic.stop(reason);
      background?.network.stop(reason);
    },
  });
  return async () => {
    deadline.clear();
    await runStop.remove();
    const status = deadline.fired ? "aborted" : await runStatus(project, rec.dir);
    // Nothing asserts on the observation after the suites: it is stopped (its running step ends at its next probe),
    // and ended by force with its writer sealed if it is still running, so nothing lands in the bundle after SHA256SUMS.
    // N1's collection likewise: stopped, and its writer sealed if it is still running; both settle at once, within observationMs.
    const ran = (suite: string) => project.vitest.state.getTestModules().some((m) => m.moduleId.endsWith(suite));
    const why = (suite: string) => deadline.fired ?? (ran(suite) ? "the suites ended" : `${suite} did not run`);
    if (background) {
      background.dynamic.stop(why(DYNAMIC_SUITE));
      background.network.stop(why(NETWORK_SUITE));
      const { waitMs, closeMs } = observationSplit(bound);
      (await Promise.all([background.dynamic.settle(waitMs, closeMs), background.network.settle(waitMs, closeMs)])).forEach((t) => rec.suite(t));
    }
    recordSuites(project, rec, suitesStartedAt);
    try {
      // Node logs go beside the bundle (<run>.cluster-logs/), redacted; the timings into run.json.
      // A failed log export is printed and recorded as the export-logs step (downForRun); the bundle is finalized below regardless.
      if (teardown) await downForRun({ profile, rec });
    } finally {
      recordMemory();
      // report.md and report.html are derived inside the bundle, so SHA256SUMS covers them too.
      await rec.finalize(status, { derive: deriveReports, ...amend });
      process.stderr.write(`evidence: ${rec.dir} (${status}${deadline.fired ? `: ${deadline.fired}` : ""})\n`);
    }
  };
}
