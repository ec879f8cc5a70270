import { toMs } from "../../../clusters/duration.ts";
import { APP, NS, SINK } from "../../../clusters/names.ts";
import { startAppTraffic } from "../../attack/app-probe.ts";
import { PermanentError } from "../../core/errors.ts";
import { waitFor, WaitTimeoutError } from "../../core/wait.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import { portForward } from "../../kube/port-forward.ts";
import type { Profile } from "../../profile.ts";
import { appEgressPolicy, ciliumConfig, droppedFlowsSince, execIn, exfilCommand, findTargets, hubbleObserve } from "./collect.ts";
import type { N1Record } from "./evidence.ts";
import { parseHubbleFlows } from "./flows.ts";
import { attemptWindow, judgeDropRecorded } from "./judge.ts";
import type { ExecRecord, N1Target } from "./types.ts";
import { checkedFirst } from "./checked-first.ts";
import { HUBBLE_CHECK_LAST, judgeCiliumConfig, judgeHubbleCli, upstreamFailure, type UpstreamCheck } from "./upstream.ts";

export interface N1Deps {
  kube: Kubectl;
  kubeContext: string;
  profile: Profile;
  /** Once it aborts, no further command starts and a running wait ends at its next poll; the command under way ends within its own timeout. */
  signal?: AbortSignal;
}

/** The upstream behaviours N1 relies on; throws, naming each one that does not hold, before anything runs in a pod. */
export async function checkUpstream(d: N1Deps): Promise<UpstreamCheck[]> {
  const cmd = toMs(d.profile.waits.command);
  const checks = [...judgeCiliumConfig(await ciliumConfig(d.kube)), judgeHubbleCli(await hubbleObserve(d.kube, ["--last", String(HUBBLE_CHECK_LAST)], cmd))];
  const failure = upstreamFailure(checks);
  if (failure) throw new PermanentError(failure);
  return checks;
}

/** Whole seconds, as the hubble CLI's --since takes an RFC 3339 time. */
const rfc3339 = (ms: number) => new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");

/** One read of the dropped flows since the attempt's window opened, judged for the attempt's drop. */
async function readDrops(d: N1Deps, target: N1Target, attempt: ExecRecord, slackMs: number): Promise<{ text: string; found: boolean; reasons: string[] }> {
  const window = attemptWindow(attempt, slackMs);
  const r = await droppedFlowsSince(d.kube, rfc3339(window.from), toMs(d.profile.waits.command));
  if (r.exitCode !== 0) throw new PermanentError(`\`${r.command.join(" ")}\` in ${r.namespace}/${r.pod} exited ${r.exitCode}: ${r.stderr.trim()}`);
  const c = judgeDropRecorded(parseHubbleFlows(r.stdout).flows, target, window);
  return { text: r.stdout, found: c.verdict === "pass", reasons: c.reasons };
}

/** Reads dropped flows again until the attempt's drop is among them or alertWait runs out; the last read is returned either way. */
async function flowsOfAttempt(d: N1Deps, target: N1Target, attempt: ExecRecord, slackMs: number, first: string): Promise<string> {
  const w = d.profile.waits;
  let last = first;
  const read = async () => {
    const r = await readDrops(d, target, attempt, slackMs);
    last = r.text;
    return r.found ? { done: true as const, value: last } : { done: false as const, state: r.reasons };
  };
  try {
    return await waitFor("Hubble to record the attempt's drop", read, { timeoutMs: toMs(w.alertWait), intervalMs: toMs(w.poll), signal: d.signal });
  } catch (err) {
    if (err instanceof WaitTimeoutError) return last;
    throw err;
  }
}

/**
 * Collects N1: the upstream checks, with the policy and the pods looked up
 * meanwhile (reads only: nothing runs in a pod before the checks hold), the
 * attempt from the app pod, Hubble's dropped flows since the attempt (read
 * at once, and again until the drop shows or alertWait ends), the same
 * attempt from the unselected client, and the app probed throughout and
 * once more after. Judging is judgeN1's.
 */
export async function collectN1(d: N1Deps): Promise<N1Record> {
  const [upstream, policy, { target, client }] = await checkedFirst(checkUpstream(d), appEgressPolicy(d.kube), findTargets(d.kube));
  const cmd = toMs(d.profile.waits.command);
  const slackMs = toMs(d.profile.attribution.clockOffsetLimit);
  d.signal?.throwIfAborted();
  await using fw = await portForward(d.kubeContext, NS.app, `svc/${APP.service}`, APP.servicePort, cmd);
  // Stops with the port-forward, or when the collection is stopped (its deadline): an abort must not wait for networkWaitMs to end.
  await using traffic = startAppTraffic(fw.url, toMs(d.profile.dynamic.probeInterval), cmd, d.signal ? AbortSignal.any([fw.signal, d.signal]) : fw.signal);
  const command = exfilCommand(d.profile);
  d.signal?.throwIfAborted();
  const attempt = await execIn(d.kube, target.app.namespace, target.app.pod, APP.container, command, cmd);
  // read at once, before the control and the wait add flows that could push the drop out of the agent's ring buffer
  const first = await readDrops(d, target, attempt, slackMs);
  d.signal?.throwIfAborted();
  const control = await execIn(d.kube, SINK.namespace, client, SINK.clientContainer, command, cmd);
  const end = Date.parse(attempt.startedAt) + attempt.durationMs;
  await waitFor("a request to the app after the attempt", () => (traffic.probes().some((p) => p.ms >= end) ? { done: true, value: true } : { done: false, state: traffic.probes().length }), {
    timeoutMs: cmd,
    intervalMs: toMs(d.profile.waits.eventPoll),
    signal: d.signal,
  }).catch(() => undefined); // none after it: judgeAppServing fails N1 naming that
  d.signal?.throwIfAborted();
  const probes = await traffic.stop();
  const flowsText = first.found ? first.text : await flowsOfAttempt(d, target, attempt, slackMs, first.text);
  return { upstream, policy, target, attempt, control, flowsText, probes, slackMs };
}
