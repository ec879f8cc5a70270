import { waitFor } from "../core/wait.ts";
import type { Kubectl } from "../kube/kubectl.ts";

/** One GET of the app's page. */
export interface AppSample {
  /** When the request started (harness clock). */
  at: string;
  /** HTTP status, or 0 when no response arrived. */
  status: number;
  /** The database user the app reported for this request. */
  identity?: string;
  /** How long the request took, when known. */
  durationMs?: number;
  /** Why no usable answer arrived (connection refused, bad JSON, …). */
  error?: string;
}

/** One look at the app's pod. */
export interface PodSample {
  at: string;
  name: string;
  uid: string;
  restartCount: number;
}

/**
 * The app's JSON answer on `/` (fixtures/app/app.py): `db_user` is the
 * Postgres current_user of the request's own connection; failures carry only
 * a fixed `error` reason.
 */
interface AppJson {
  db_user?: unknown;
  error?: unknown;
}

export interface SampleOptions {
  /** Longest one request may take. */
  timeoutMs: number;
}

/**
 * One GET of the app's page as JSON, recorded as an AppSample. Never throws:
 * an unreachable app is a sample with status 0 and the reason, so that the
 * judge sees every attempt, not only the answered ones.
 */
export async function sampleApp(baseUrl: string, opts: SampleOptions): Promise<AppSample> {
  const started = Date.now();
  const at = new Date(started).toISOString();
  const url = new URL("/", baseUrl).toString();
  try {
    const res = await fetch(url, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(opts.timeoutMs), redirect: "manual" });
    const text = await res.text();
    const durationMs = Date.now() - started;
    let body: AppJson = {};
    try {
      body = JSON.parse(text) as AppJson;
    } catch {
      return { at, status: res.status, durationMs, error: `not JSON (${res.headers.get("content-type") ?? "no content-type"})` };
    }
    const sample: AppSample = { at, status: res.status, durationMs };
    if (typeof body.db_user === "string") sample.identity = body.db_user;
    if (typeof body.error === "string") sample.error = body.error;
    if (res.status === 200 && sample.identity === undefined) sample.error = "200 without db_user";
    return sample;
  } catch (err) {
    const e = err as Error & { cause?: { code?: string } };
    return { at, status: 0, durationMs: Date.now() - started, error: `${e.name}: ${e.cause?.code ?? e.message}` };
  }
}

interface PodJson {
  metadata?: { name?: string; uid?: string };
  status?: { containerStatuses?: { name?: string; restartCount?: number }[] };
}

/** The app pod's identity and its container's restart count, read through kubectl. */
export async function samplePod(kube: Kubectl, namespace: string, selector: string, container: string): Promise<PodSample> {
  const at = new Date().toISOString();
  const list = await kube.json<{ items?: PodJson[] }>(["-n", namespace, "get", "pods", "-l", selector]);
  const pods = list.items ?? [];
  if (pods.length !== 1) {
    throw new Error(`expected one pod for ${selector} in ${namespace}, found ${pods.length}: ${pods.map((p) => p.metadata?.name).join(", ")}`);
  }
  const p = pods[0] as PodJson;
  const c = p.status?.containerStatuses?.find((s) => s.name === container);
  if (!p.metadata?.uid || !p.metadata.name || c?.restartCount === undefined) {
    throw new Error(`pod ${p.metadata?.name ?? "?"} in ${namespace} reports no UID or no restartCount for container ${container}`);
  }
  return { at, name: p.metadata.name, uid: p.metadata.uid, restartCount: c.restartCount };
}

export interface ObserveOptions {
  /** How long to keep observing. */
  windowMs: number;
  /** Pause between the end of one tick and the start of the next. */
  intervalMs: number;
  /** Extra time a slow last tick may take. */
  slackMs: number;
  /** Ends the window at the next tick when it aborts (waitFor's signal). */
  signal?: AbortSignal;
}

/**
 * Runs `tick`, pausing intervalMs between ticks, until windowMs have passed (paced by waitFor).
 * A tick that throws is retried at the next interval and, if it keeps
 * failing, the wait ends with its error; gaps show in the recorded times.
 * Resolves with the number of completed ticks.
 */
export async function observeWindow(description: string, tick: () => Promise<void>, opts: ObserveOptions): Promise<number> {
  const started = Date.now();
  let ticks = 0;
  return waitFor(
    description,
    async () => {
      await tick();
      ticks++;
      return Date.now() - started >= opts.windowMs ? { done: true, value: ticks } : { done: false, state: `${ticks} ticks so far` };
    },
    { timeoutMs: opts.windowMs + opts.slackMs, intervalMs: opts.intervalMs, ...(opts.signal ? { signal: opts.signal } : {}) },
  );
}
