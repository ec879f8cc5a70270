import { toMs } from "../../../clusters/duration.ts";
import type { Profile } from "../../profile.ts";

/** The profile's waits in milliseconds. */
export type WaitsMs = Record<keyof Profile["waits"], number>;

export function waitsMs(p: Profile): WaitsMs {
  return Object.fromEntries(Object.entries(p.waits).map(([k, v]) => [k, toMs(v)])) as WaitsMs;
}

/** How `npm test` (vitest --project e2e) is bounded, phase by phase; the global setup enforces setup and suites as deadlines. */
export interface E2eRunBound {
  /** vitest starting and loading its config, before the global setup runs. */
  startMs: number;
  /** The global setup (preflight, `up`, the sweep of leftovers): the profile's waits.bringUp, enforced as a deadline. */
  setupMs: number;
  /** From the end of the setup: the profile's budget, then the remaining tests are cancelled. */
  suitesDeadlineMs: number;
  /** After the cancel, the running file's hooks may finish; then its worker is stopped. */
  graceMs: number;
  /** vitest stopping the stopped worker and closing. */
  stopMs: number;
  /**
   * The teardown ending the dynamic observation (harness/cluster/run/background.ts):
   * the first half waits for the stopped observation to end its running step
   * (at its next probe), the second half ends it by force when it did not.
   * N1's collection (network-background.ts) is settled at the same time, within the same halves.
   */
  observationMs: number;
  /** The teardown: run.json, reports and SHA256SUMS; with SECRETPROOF_TEARDOWN=1 also find, export logs from and delete the cluster. */
  teardownMs: number;
  totalMs: number;
}

export function e2eRunBound(p: Profile, o: { teardown: boolean }): E2eRunBound {
  const w = waitsMs(p);
  const b = {
    startMs: w.command,
    setupMs: w.bringUp,
    suitesDeadlineMs: toMs(p.budget),
    graceMs: w.command,
    stopMs: w.command,
    observationMs: w.command,
    // kind calls in `down` are bounded by clusterCreate (harness/cluster/run/down.ts)
    teardownMs: w.command + (o.teardown ? 3 * w.clusterCreate : 0),
  };
  return { ...b, totalMs: b.startMs + b.setupMs + b.suitesDeadlineMs + b.graceMs + b.stopMs + b.observationMs + b.teardownMs };
}

/** How the teardown splits observationMs: the wait for the stopped observation, then its forced end. */
export function observationSplit(b: Pick<E2eRunBound, "observationMs">): { waitMs: number; closeMs: number } {
  const waitMs = Math.floor(b.observationMs / 2);
  return { waitMs, closeMs: b.observationMs - waitMs };
}

/** Whole minutes, rounded up, as `timeout-minutes` takes them. */
export function wholeMinutes(ms: number): number {
  return Math.ceil(ms / 60_000);
}

export function describeRunBound(p: Profile, b: E2eRunBound): string {
  const m = (ms: number) => `${Math.round((ms / 60_000) * 10) / 10}m`;
  return (
    `profile ${p.name}: start ${m(b.startMs)} + setup ${m(b.setupMs)} (preflight, up, sweep: waits.bringUp) + ` +
    `suites ${m(b.suitesDeadlineMs)} (budget) + cancel grace ${m(b.graceMs)} + stop ${m(b.stopMs)} + dynamic observation ${m(b.observationMs)} + teardown ${m(b.teardownMs)} = ` +
    `${m(b.totalMs)}, ${wholeMinutes(b.totalMs)} whole minutes`
  );
}

/**
 * The other secretproof commands a workflow runs, bounded the same way (one
 * waits.command for node and tsx to start): `tools install` (three
 * downloads, each bounded by waits.command, and helm's extraction),
 * `preflight` (its checks run in parallel; for the e2e tier, docker info
 * and image inspect within one waits.command, an absent kind node image
 * pulled within waits.clusterCreate, the engine probe within another
 * waits.command) and `logs` (`kind export logs`,
 * bounded by waits.clusterCreate as in harness/cluster/run/down.ts, then every
 * file through the redaction layer), and the e2e audit step (bin/e2e-audit.ts:
 * `target --etcd-certs` within two waits.command, the TCP check of etcd's
 * endpoint within waits.connect, the audit within its deadline, `verify` of
 * its bundle and `audit compare`, one waits.command each).
 */
export function cliBounds(p: Profile): { toolsInstall: number; preflight: number; preflightE2e: number; exportLogs: number; e2eAudit: number } {
  const w = waitsMs(p);
  return {
    toolsInstall: w.command + 3 * w.command + w.command,
    preflight: w.command + w.command,
    preflightE2e: w.command + w.command + w.clusterCreate + w.command,
    exportLogs: w.command + w.clusterCreate + w.command,
    e2eAudit: w.command + 2 * w.command + w.connect + auditDeadlineMs(p) + w.command + w.command,
  };
}

/** The e2e audit step's deadline for `secretproof audit`: twice the target's audit share, as the setup's and the suites' are twice theirs. */
export function auditDeadlineMs(p: Profile): number {
  return 2 * toMs(p.target.audit);
}
