import { toMs } from "../core/duration.ts";
import type { Profile } from "../profile.ts";
import type { StepSpec } from "./graph.ts";
import { UP_STEPS } from "./steps.ts";

/** The profile's waits in milliseconds. */
export type WaitsMs = Record<keyof Profile["waits"], number>;

export function waitsMs(p: Profile): WaitsMs {
  return Object.fromEntries(Object.entries(p.waits).map(([k, v]) => [k, toMs(v)])) as WaitsMs;
}

/** A poll (waitFor): its timeout, plus one probe started just before the timeout ran out. */
const poll = (timeout: number, probe: number) => timeout + probe;

/**
 * helm.ensure (harness/helm/helm.ts): `helm list` and `helm get values` (one
 * command each), then for a release that must be reinstalled `helm uninstall
 * --wait` (one helmRelease) and `helm upgrade --install --wait` (helmRelease
 * + command).
 */
const helmEnsure = (w: WaitsMs) => 3 * w.command + 2 * w.helmRelease;

/** Vault API calls configure-vault makes at most: the token lookup, two mounts (read + write), the connection (read + write), rotate-root, role, policy, auth config, auth role. */
const VAULT_CALLS = 12;

/**
 * The longest each `up` step can take, as its body spends the profile's
 * waits: every CLI call and HTTP request is bounded by waits.command, every
 * poll by its wait plus one probe. Kept beside harness/cluster/steps.ts: a
 * step without an entry fails the unit tier.
 */
export const STEP_BOUNDS: Readonly<Record<string, (w: WaitsMs) => number>> = {
  state: (w) => w.command, // kind get clusters
  fixtures: () => 0, // reads files of this repository
  // kind get clusters, then create (clusterCreate) and on failure export logs + delete; or get-contexts + export kubeconfig
  "kind-cluster": (w) => w.command + w.clusterCreate + 2 * w.command,
  "app-image": (w) => w.imageBuild + w.command, // docker build, docker image inspect
  cilium: (w) => helmEnsure(w) + poll(w.rollout, w.command), // then every node Ready
  namespaces: (w) => w.command,
  tetragon: (w) => helmEnsure(w) + poll(w.rollout, w.command), // then the TracingPolicy CRD Established
  falco: helmEnsure,
  "csi-driver": helmEnsure,
  vault: helmEnsure,
  // apply, wait for the init container, stream the password in, wait Ready, empty the file
  postgres: (w) => 3 * w.command + 2 * poll(w.rollout, w.command),
  "app-image-load": (w) => w.command,
  // port-forward, Vault healthy, read its configuration, reset the admin password, configure
  "configure-vault": (w) => w.command + poll(w.rollout, w.command) + 2 * w.command + VAULT_CALLS * w.command,
  app: (w) => w.command + w.rollout + w.command, // apply, rollout status --timeout=rollout
  "app-ready": (w) => w.command + poll(w.appReady, w.command), // port-forward, GET / until a v-… identity
};

/** The longest path through a step graph when each step takes its bound. */
export function criticalPath(specs: readonly StepSpec[], bound: (step: string) => number): { ms: number; path: string[] } {
  const memo = new Map<string, { ms: number; path: string[] }>();
  const byName = new Map(specs.map((s) => [s.name, s]));
  const finish = (name: string): { ms: number; path: string[] } => {
    const hit = memo.get(name);
    if (hit) return hit;
    const spec = byName.get(name);
    if (!spec) throw new Error(`step ${name} is not in the graph`);
    const longest = (a: { ms: number; path: string[] }, b: { ms: number; path: string[] }) => (b.ms > a.ms ? b : a);
    const before = spec.deps.length ? spec.deps.map(finish).reduce(longest) : { ms: 0, path: [] as string[] };
    const r = { ms: before.ms + bound(name), path: [...before.path, name] };
    memo.set(name, r);
    return r;
  };
  return specs.map((s) => finish(s.name)).reduce((a, b) => (b.ms > a.ms ? b : a), { ms: 0, path: [] as string[] });
}

/** Steps of `specs` that have no bound in `bounds`. */
export function unboundSteps(specs: readonly StepSpec[], bounds: Readonly<Record<string, unknown>> = STEP_BOUNDS): string[] {
  return specs.map((s) => s.name).filter((n) => !(n in bounds));
}

/** The longest `up` can take under a profile, and the chain of steps that sets it. */
export function bringUpBound(p: Profile, specs: readonly StepSpec[] = UP_STEPS): { ms: number; path: string[] } {
  const w = waitsMs(p);
  const missing = unboundSteps(specs);
  if (missing.length) throw new Error(`no bound for up step(s) ${missing.join(", ")}: add them to STEP_BOUNDS in harness/cluster/run-bound.ts`);
  return criticalPath(specs, (n) => STEP_BOUNDS[n]!(w));
}

/** How `npm test` (vitest --project e2e) is bounded, phase by phase; the global setup enforces setup and suites as deadlines. */
export interface E2eRunBound {
  /** vitest starting and loading its config, before the global setup runs. */
  startMs: number;
  /** The global setup: preflight (its checks run in parallel), `up`, the sweep of leftovers (two commands). */
  setupMs: number;
  /** The chain of `up` steps that sets setupMs. */
  setupPath: string[];
  /** From the end of the setup: the profile's budget, then the remaining tests are cancelled. */
  suitesDeadlineMs: number;
  /** After the cancel, the running file's hooks may finish; then its worker is stopped. */
  graceMs: number;
  /** vitest stopping the stopped worker and closing. */
  stopMs: number;
  /** The teardown: run.json, reports and SHA256SUMS; with SECRETPROOF_TEARDOWN=1 also find, export logs from and delete the cluster. */
  teardownMs: number;
  totalMs: number;
}

export function e2eRunBound(p: Profile, o: { teardown: boolean }): E2eRunBound {
  const w = waitsMs(p);
  const up = bringUpBound(p);
  const b = {
    startMs: w.command,
    setupMs: w.command + up.ms + 2 * w.command,
    setupPath: up.path,
    suitesDeadlineMs: toMs(p.budget),
    graceMs: w.command,
    stopMs: w.command,
    // kind calls in `down` are bounded by clusterCreate (harness/cluster/down.ts)
    teardownMs: w.command + (o.teardown ? 3 * w.clusterCreate : 0),
  };
  return { ...b, totalMs: b.startMs + b.setupMs + b.suitesDeadlineMs + b.graceMs + b.stopMs + b.teardownMs };
}

/** Whole minutes, rounded up, as `timeout-minutes` takes them. */
export function wholeMinutes(ms: number): number {
  return Math.ceil(ms / 60_000);
}

export function describeRunBound(p: Profile, b: E2eRunBound): string {
  const m = (ms: number) => `${Math.round((ms / 60_000) * 10) / 10}m`;
  return (
    `profile ${p.name}: start ${m(b.startMs)} + setup ${m(b.setupMs)} (preflight, up via ${b.setupPath.join(" → ")}, sweep) + ` +
    `suites ${m(b.suitesDeadlineMs)} (budget) + cancel grace ${m(b.graceMs)} + stop ${m(b.stopMs)} + teardown ${m(b.teardownMs)} = ` +
    `${m(b.totalMs)}, ${wholeMinutes(b.totalMs)} whole minutes`
  );
}

/**
 * The other secretproof commands a workflow runs, bounded the same way (one
 * waits.command for node and tsx to start): `tools install` (three
 * downloads, each bounded by waits.command, and helm's extraction),
 * `preflight` (its checks run in parallel) and `logs` (`kind export logs`,
 * bounded by waits.clusterCreate as in harness/cluster/down.ts, then every
 * file through the redaction layer).
 */
export function cliBounds(p: Profile): { toolsInstall: number; preflight: number; exportLogs: number } {
  const w = waitsMs(p);
  return {
    toolsInstall: w.command + 3 * w.command + w.command,
    preflight: w.command + w.command,
    exportLogs: w.command + w.clusterCreate + w.command,
  };
}
