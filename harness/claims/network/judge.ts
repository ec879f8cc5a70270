import { type Verdict, type VerdictValue, verdict } from "../verdict.ts";
import { describeFlow, parseHubbleFlows, tcpDestinationPort, type Flow } from "./flows.ts";
import { CONNECTED, type ExecRecord, type N1Evidence, type N1Target } from "./types.ts";
import type { AppProbe } from "../../attack/app-probe.ts";

interface Check {
  verdict: VerdictValue;
  reasons: string[];
}
const pass = (r: string): Check => ({ verdict: "pass", reasons: [r] });
const fail = (...r: string[]): Check => ({ verdict: "fail", reasons: r });

/** The attempt's window on this machine's clock, widened by the accepted clock offset. */
export function attemptWindow(a: ExecRecord, slackMs: number): { from: number; to: number } {
  const start = Date.parse(a.startedAt);
  return { from: start - slackMs, to: start + a.durationMs + slackMs };
}

const where = (r: ExecRecord) => `${r.namespace}/${r.pod}`;
// CPython's messages for a connection that timed out or was refused, and for a name that did not resolve.
const CONNECT_FAILED = /TimeoutError|timed out|ConnectionRefusedError|Connection refused/;
const NAME_FAILED = /gaierror|Name or service not known|Temporary failure in name resolution/;

/** (a) the attempt in the app pod ran and failed to connect (not to resolve the name, not kubectl failing). */
export function judgeAttemptFailed(a: ExecRecord): Check {
  if (a.origin !== "remote") return fail(`kubectl exec in ${where(a)} failed itself (exit ${a.exitCode}): the attempt never ran: ${a.stderr.trim()}`);
  if (a.exitCode === 0 || a.stdout.includes(CONNECTED)) return fail(`the attempt in ${where(a)} connected to the sink (exit ${a.exitCode}, stdout ${JSON.stringify(a.stdout.trim())})`);
  if (NAME_FAILED.test(a.stderr)) return fail(`the attempt in ${where(a)} failed at name resolution, before any connection the policy could drop: ${lastLine(a.stderr)}`);
  if (!CONNECT_FAILED.test(a.stderr)) return fail(`the attempt in ${where(a)} exited ${a.exitCode} without a connection timeout or refusal: ${lastLine(a.stderr)}`);
  return pass(`the attempt in ${where(a)} could not connect: exit ${a.exitCode}, ${lastLine(a.stderr)}`);
}

function lastLine(text: string): string {
  return JSON.stringify(text.trim().split("\n").at(-1) ?? "");
}

function fromApp(f: Flow, t: N1Target): boolean {
  const s = f.source;
  const labelled = Object.entries(t.app.labels).every(([k, v]) => s?.labels?.includes(`k8s:${k}=${v}`));
  return s?.namespace === t.app.namespace && s.pod_name === t.app.pod && labelled;
}

function toSink(f: Flow, t: N1Target): boolean {
  const d = f.destination;
  const byPod = d?.namespace === t.sink.namespace && d.pod_name === t.sink.pod;
  return (byPod || f.IP?.destination === t.sink.ip) && tcpDestinationPort(f) === t.sink.port;
}

/**
 * (b) Cilium's own record: a DROPPED flow, dropped by policy on egress, from
 * the app pod (namespace, name and every selector label) to the sink's pod
 * and port, within the attempt's window.
 */
export function judgeDropRecorded(flows: readonly Flow[], t: N1Target, window: { from: number; to: number }): Check {
  const inWindow = (f: Flow) => {
    const at = Date.parse(f.time ?? "");
    return at >= window.from && at <= window.to;
  };
  const candidates = flows.filter((f) => fromApp(f, t) && toSink(f, t));
  const match = candidates.find((f) => f.verdict === "DROPPED" && f.drop_reason_desc === "POLICY_DENIED" && f.traffic_direction === "EGRESS" && inWindow(f));
  if (match) return pass(`Hubble recorded the drop: ${describeFlow(match)}`);
  const seen = candidates.map(describeFlow);
  const sink = `${t.sink.namespace}/${t.sink.pod} (${t.sink.ip}:${t.sink.port})`;
  return fail(
    `no DROPPED/POLICY_DENIED egress flow from ${t.app.namespace}/${t.app.pod} to ${sink} between ${new Date(window.from).toISOString()} and ${new Date(window.to).toISOString()} among ${flows.length} flow(s)`,
    ...(seen.length ? [`flows between the two outside that: ${seen.join("; ")}`] : []),
  );
}

/** (c) the app kept serving with a database identity: every probe from the attempt on answered 200 with a v-… user, one of them after it. */
export function judgeAppServing(probes: readonly AppProbe[], a: ExecRecord): Check {
  const start = Date.parse(a.startedAt);
  const end = start + a.durationMs;
  const relevant = probes.filter((p) => p.ms >= start);
  const bad = relevant.filter((p) => p.status !== 200 || !p.dbUser?.startsWith("v-"));
  if (bad.length) return fail(...bad.map((p) => `the app answered ${p.status}${p.error ? ` (${p.error})` : ""} at ${p.at} without a Vault-issued DB identity`));
  const after = relevant.filter((p) => p.ms >= end);
  if (!after.length) return fail(`no request to the app after the attempt ended (${relevant.length} during it)`);
  return pass(`the app answered 200 with a DB identity ${relevant.length} time(s) during and after the attempt (last as ${after.at(-1)?.dbUser})`);
}

/** (d) the negative control: the same program from an unselected pod reaches the sink. */
export function judgeControl(c: ExecRecord): Check {
  if (c.origin === "remote" && c.exitCode === 0 && c.stdout.includes(CONNECTED)) return pass(`the same connection from ${where(c)} (no policy selects it) reached the sink`);
  return fail(`the same connection from ${where(c)} did not reach the sink (exit ${c.exitCode}, ${c.origin}): ${lastLine(c.stderr)}; a blocked attempt then proves nothing about the policy`);
}

/** N1: judged from the attempt's failure, Hubble's drop record and the app's traffic; the control must pass for a pass. */
export function judgeN1(e: N1Evidence, evidence: string[] = []): Verdict {
  const parsed = parseHubbleFlows(e.flowsText);
  const checks = [
    judgeAttemptFailed(e.attempt),
    judgeDropRecorded(parsed.flows, e.target, attemptWindow(e.attempt, e.slackMs)),
    judgeAppServing(e.probes, e.attempt),
  ];
  const control = judgeControl(e.control);
  const reasons = [...checks.flatMap((c) => c.reasons), ...parsed.malformed.map((m) => `hubble output ${m}`)];
  let ok: boolean | "inconclusive" = checks.every((c) => c.verdict === "pass");
  if (ok && control.verdict !== "pass") {
    ok = "inconclusive";
    reasons.push("the negative control failed, so the blocked attempt proves nothing");
  }
  return verdict("N1", ok, reasons, evidence, { negativeControl: control });
}
