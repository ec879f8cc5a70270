import { waitFor } from "../core/wait.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import type { VaultApi } from "../vault/client.ts";
import { type PassiveDynamic, passiveDynamicFindings } from "./dynamic-passive.ts";
import type { RolesReader } from "./postgres-reads.ts";
import type { AuditTarget } from "./target.ts";
import { readLeases, readRole } from "./vault-reads.ts";
import { readUsernameTemplate } from "./vault-username.ts";
import type { WorkloadSample } from "./workload.ts";

/** Where the passive D observation goes: the dynamic family's record shapes, under audit/ (no app identity: the family's passive judge reads them). */
export const DYNAMIC_AUDIT_LAYOUT = {
  /** The window's first reads, written as soon as they are taken: a failed end read loses nothing read before it. */
  start: "audit/dynamic/start.json",
  observed: "audit/dynamic/observed.json",
  findings: "audit/dynamic/findings.json",
} as const;

/** Vault (only reads, lists and lease lookups: vault-reads.ts readOnlyVault) and Postgres (only SELECTs: postgres-reads.ts). */
export interface PassiveSources {
  vault: VaultApi;
  roles: RolesReader;
}

export interface WindowOptions {
  /** profile.audit.window */
  windowMs: number;
  /** profile.dynamic.probeInterval */
  intervalMs: number;
  /** profile.dynamic.expiryTolerance, profile.dynamic.dropGrace */
  expiryToleranceMs: number;
  dropGraceMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Samples the workload's pods through the window, waiting with waitFor between looks. */
async function podsOverWindow(sample: ((at: string) => Promise<WorkloadSample>) | undefined, o: WindowOptions): Promise<WorkloadSample[]> {
  const now = o.now ?? Date.now;
  const start = now();
  const pods: WorkloadSample[] = [];
  await waitFor(
    "the end of the audit's observation window (profile audit.window)",
    async () => {
      if (sample) pods.push(await sample(new Date(now()).toISOString()));
      return now() - start >= o.windowMs ? { done: true, value: undefined } : { done: false, state: `${pods.length} pod samples` };
    },
    { timeoutMs: 2 * o.windowMs + o.intervalMs, intervalMs: o.intervalMs, now, ...(o.sleep ? { sleep: o.sleep } : {}) },
  );
  return pods;
}

/**
 * Reads the role's TTLs, its connection's username template, its leases and pg_roles at the window's start and
 * end, and the workload's pods through it; records the observation and what
 * it shows for D1, D2, D3 (dynamic-verdicts.ts judges it).
 */
export async function observeDynamic(src: PassiveSources, t: AuditTarget, w: Pick<ArtifactWriter, "write">, sample: ((at: string) => Promise<WorkloadSample>) | undefined, o: WindowOptions) {
  const role = await readRole(src.vault, t);
  const usernames = await readUsernameTemplate(src.vault, t, role);
  const leasesStart = await readLeases(src.vault, t);
  const pgStart = await src.roles.snapshot();
  await w.write(DYNAMIC_AUDIT_LAYOUT.start, { role, usernames, leases: leasesStart, pgRoles: pgStart });
  const pods = await podsOverWindow(sample, o);
  const leasesEnd = await readLeases(src.vault, t);
  const pgEnd = await src.roles.snapshot();
  const observed: PassiveDynamic = {
    role,
    leases: { start: leasesStart, end: leasesEnd },
    pgRoles: { start: pgStart, end: pgEnd },
    pods,
    params: { expiryToleranceMs: o.expiryToleranceMs, dropGraceMs: o.dropGraceMs },
    usernames,
  };
  const findings = passiveDynamicFindings(observed);
  await w.write(DYNAMIC_AUDIT_LAYOUT.observed, observed);
  await w.write(DYNAMIC_AUDIT_LAYOUT.findings, findings);
  return { findings, observed };
}
