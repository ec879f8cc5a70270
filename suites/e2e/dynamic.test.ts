import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APP_SELECTOR } from "../../clusters/names.ts";
import { vaultNames } from "../../fixtures/vault/definitions.ts";
import { readRemountFailures } from "../../harness/app/csi-remount-log.ts";
import { kubeletSyncProblem, providerTokenProblem } from "../../harness/app/rotation-cadence.ts";
import { observeWindow, sampleApp, samplePod } from "../../harness/app/samples.ts";
import { VAULT_EXPIRATION_BUFFER_MS } from "../../harness/vault/expiration.ts";
import { remountCadenceEvidence, withDriverLog } from "../../harness/claims/dynamic/cadence.ts";
import { rolesToExplain } from "../../harness/claims/dynamic/drop.ts";
import { recordLine, recordPart, type DynamicEvidence } from "../../harness/claims/dynamic/evidence.ts";
import { dynamicFamily, judgeDynamic } from "../../harness/claims/dynamic/family.ts";
import type { PgRoleRow, PgRolesSnapshot } from "../../harness/claims/dynamic/types.ts";
import type { ClaimId } from "../../harness/claims/verdict.ts";
import { APP, NS, POSTGRES, VAULT, controlPlaneNode } from "../../clusters/names.ts";
import { toMs } from "../../clusters/duration.ts";
import { remountModelOf } from "../../harness/profile.ts";
import { WaitTimeoutError, waitFor } from "../../harness/core/wait.ts";
import { startPortForward, type PortForward } from "../../harness/kube/port-forward.ts";
import { inPodPostgres, kubectlShell, podAddress, type InPodPostgres, type LoginTarget } from "../../harness/postgres/in-pod.ts";
import { connectVault, gatherLingering, issueCreds, lookupAll, withLease, type VaultHandle } from "../../harness/vault/index.ts";
import { useE2E, type E2E } from "../../harness/vitest/e2e.ts";

/**
 * D1–D4 from Postgres itself. Every Postgres assertion goes through psql on
 * postgres-0's socket (independent of the rotated admin password); password
 * logins go over TCP to the pod's IP. ci profile wall time: the 50s window,
 * a few seconds for D1/D4/revocation, then up to TTL + 5s + grace (≈60–110s)
 * for the last identity to be dropped: about 2.5 minutes, at most ≈3.
 */
const ROLE = vaultNames.role;
const APP_LABELS = Object.entries(APP_SELECTOR).map(([k, v]) => `${k}=${v}`).join(",");
let e: E2E;
let vault: VaultHandle;
let db: InPodPostgres;
let target: LoginTarget;
let vaultPf: PortForward;
let appPf: PortForward;
const forwards: PortForward[] = [];
const ev: DynamicEvidence = {
  params: { roleName: ROLE, defaultTtlMs: 0, expiryToleranceMs: 0, dropGraceMs: 0, controlRole: `v-secretproof-control-${randomBytes(3).toString("hex")}` },
  appSamples: [],
  podSamples: [],
  pgRoles: [],
  leases: [],
};
const ms = (pick: (p: E2E["profile"]) => string) => toMs(pick(e.profile));
const has = (s: PgRolesSnapshot, name: string) => s.rows.some((r) => r.rolname === name);
const explain = (claim: ClaimId, subject?: string) => {
  const v = judgeDynamic(ev).find((x) => x.claim === claim && (subject === undefined || x.subject === subject));
  return { verdict: v?.verdict, why: [...(v?.reasons ?? []), ...(v?.negativeControl?.reasons ?? [])].join("\n"), control: v?.negativeControl?.verdict };
};

/**
 * kubectl ends a port-forward after the first connection the pod side refuses
 * (harness/kube/port-forward.ts): checked after each observation and before
 * each judgement, so a dead forward fails naming itself, not as a claim.
 */
function forwardsAlive(): void {
  for (const pf of forwards) pf.assertAlive();
}

/** A Vault call through the forward; when it fails because kubectl exited, the error says so. */
const viaVault = <T>(call: () => Promise<T>): Promise<T> => call().catch((err: unknown) => Promise.reject(vaultPf.explain(err)));

const recordPod = async () => recordLine(e.evidence, ev, "podSamples", await samplePod(e.kube, NS.app, APP_LABELS, APP.container));

/**
 * Upstream behaviours D2 stands on, checked first so a failure names them
 * (harness/app/rotation-cadence.ts): before the window, the kubelet resyncs at
 * the profile's syncFrequency and the CSI provider's Vault token outlives the
 * rest of the run; after it, the mount was remounted as often as modelled.
 */
async function checkRotationPrerequisites(): Promise<void> {
  const node = controlPlaneNode(e.ctx.clusterName);
  const configz = await e.kube.run(["get", "--raw", `/api/v1/nodes/${node}/proxy/configz`]);
  const pods = await e.kube.json<{ items?: { status?: { startTime?: string } }[] }>(["-n", NS.app, "get", "pods", "-l", APP_LABELS]);
  const problems = [
    kubeletSyncProblem(configz.stdout, node, ms((p) => p.csi.syncFrequency)),
    providerTokenProblem(pods.items?.[0]?.status?.startTime, Date.now(), ms((p) => p.vault.authTokenTtl), ms((p) => p.budget)),
  ].filter((x) => x !== undefined);
  expect(problems, problems.join("\n")).toEqual([]);
}

/**
 * Records the remount cadence the window saw (per identity, the looks'
 * spacing, the model's bound), then fails by name if it is too slow. A
 * remount the CSI driver failed and masked looks like a slow kubelet, or like
 * an app that lost its database: when either shows, the driver's log since
 * the window's first look says which.
 */
async function checkRemountCadence(): Promise<void> {
  const samples = ev.appSamples ?? [];
  let cadence = remountCadenceEvidence(samples, remountModelOf(e.profile));
  const since = samples[0]?.at;
  if (since && (!cadence.ok || cadence.looks.withoutIdentity > 0)) cadence = withDriverLog(cadence, await readRemountFailures(e.kube, since));
  await recordPart(e.evidence, ev, "remountCadence", cadence);
  expect(cadence.ok, cadence.message).toBe(true);
}

/** One look at everything; a forward that died fails the window at the next tick (PortForwardExitedError is permanent). */
async function collectTick(): Promise<void> {
  forwardsAlive();
  await recordLine(e.evidence, ev, "appSamples", await sampleApp(appPf.url, { timeoutMs: ms((p) => p.waits.command) }));
  await recordPod();
  await recordLine(e.evidence, ev, "pgRoles", await db.roles());
  for (const l of await viaVault(() => lookupAll(vault, `database/creds/${ROLE}/`))) await recordLine(e.evidence, ev, "leases", l);
}

/**
 * Polls pg_roles until `gone` holds or the wait ends; the judge, not the wait,
 * decides what the snapshots mean. Resolves with the last snapshot and
 * whether `gone` held.
 */
async function pollRoles(what: string, gone: (s: PgRolesSnapshot) => boolean, timeoutMs: number, keep: (s: PgRolesSnapshot) => unknown) {
  let last: PgRolesSnapshot | undefined;
  const probe = async () => {
    const s = (last = await db.roles());
    await keep(s);
    return gone(s) ? { done: true as const, value: s } : { done: false as const, state: `still listed at ${s.pgNow}` };
  };
  const done = await waitFor(what, probe, { timeoutMs, intervalMs: ms((p) => p.dynamic.probeInterval) }).then(
    () => true,
    (err: unknown) => (err instanceof WaitTimeoutError ? false : Promise.reject(err)),
  );
  return { done, last };
}

/**
 * When D3 (TTL expiry) does not pass: what Vault says about the leases of
 * `roles` (harness/claims/dynamic/lingering.ts words it, first among D3's
 * reasons). Vault logs in go-hclog's standard format, vault-helm 0.34.1
 * leaving server.logFormat empty (values.yaml:430-434).
 */
async function recordLingering(roles: PgRoleRow[]): Promise<void> {
  const since = ev.appSamples?.[0]?.at ?? new Date(Date.now() - toMs(e.profile.budget)).toISOString();
  const log = async () => (await e.kube.run(["-n", NS.vault, "logs", VAULT.pod, "-c", "vault", `--since-time=${since}`])).stdout;
  await recordPart(e.evidence, ev, "lingering", await gatherLingering(vault, roles, `database/creds/${ROLE}/`, log));
}

beforeAll(async () => {
  e = await useE2E();
  const cmd = ms((p) => p.waits.command);
  const forward = async (namespace: string, svc: string, remotePort: number) => {
    const pf = await startPortForward({ context: e.kube.context, namespace, target: `svc/${svc}`, remotePort, timeoutMs: cmd });
    forwards.push(pf);
    return pf;
  };
  vaultPf = await forward(NS.vault, VAULT.service, VAULT.port);
  vault = await viaVault(() => connectVault({ addr: vaultPf.url, token: e.secrets.vaultRootToken, timeoutMs: cmd }));
  appPf = await forward(NS.app, APP.service, APP.servicePort);
  db = inPodPostgres(kubectlShell(e.kube, NS.postgres, POSTGRES.pod, POSTGRES.container));
  target = { host: await podAddress(e.kube, NS.postgres, POSTGRES.pod), port: POSTGRES.port, database: POSTGRES.database };
  const d = e.profile.dynamic;
  ev.params = { ...ev.params, defaultTtlMs: toMs(e.profile.vault.defaultTtl), expiryToleranceMs: toMs(d.expiryTolerance), dropGraceMs: toMs(d.dropGrace) };
  await db.createControlRole(ev.params.controlRole);
  await recordPart(e.evidence, ev, "params", ev.params);
});
afterAll(async () => {
  // Cleanup runs whatever happens to the verdicts; a control role left behind is reported, not swallowed.
  const record = async () => e && (await e.evidence.verdicts(dynamicFamily.id, judgeDynamic(ev)));
  const recorded = record().then(() => undefined, (err: unknown) => err);
  const dropError = await db?.dropRole(ev.params.controlRole).then(() => undefined, (err: unknown) => err);
  await vault?.close();
  for (const pf of forwards) await pf.stop();
  const recordError = await recorded;
  if (recordError) throw new Error("could not record the dynamic verdicts", { cause: recordError });
  if (dropError) throw new Error(`could not drop the control role ${ev.params.controlRole} in ${NS.postgres}/${POSTGRES.pod}`, { cause: dropError });
});

describe("dynamic credentials, proven from Postgres", () => {
  it("D2: the app answers 200 from the same, unrestarted pod while its database identity rotates", async () => {
    await checkRotationPrerequisites();
    await recordPod(); // the pod samples must bracket the app samples
    await observeWindow("the D2 observation window", collectTick, {
      windowMs: ms((p) => p.dynamic.rotationWindow),
      intervalMs: ms((p) => p.dynamic.probeInterval),
      slackMs: ms((p) => p.waits.command),
    });
    await recordPod();
    forwardsAlive();
    await checkRemountCadence();
    const v = explain("D2");
    const cadence = ev.remountCadence?.looks.withoutIdentity ? `\n${ev.remountCadence.message}` : "";
    expect(v.verdict, `${v.why}${cadence}`).toBe("pass");
  });

  it("D1: the identity the app uses now is a Postgres role whose VALID UNTIL is its Vault lease's expiry", async () => {
    const sample = await sampleApp(appPf.url, { timeoutMs: ms((p) => p.waits.command) });
    const snapshot = await db.roles();
    await recordPart(e.evidence, ev, "d1", { sample, snapshot, leases: await viaVault(() => lookupAll(vault, `database/creds/${ROLE}/`)) });
    forwardsAlive();
    const v = explain("D1");
    expect(v.verdict, v.why).toBe("pass");
  });

  it("D3: revoking a lease drops its role from pg_roles and its password stops working", async () => {
    const c = await viaVault(() => issueCreds(vault, ROLE));
    await withLease(vault, c.leaseId, async (revoke) => {
      const before = await db.roles();
      const loginBefore = await db.tryLogin(target, c.username, c.password, "harness-issued dynamic credential");
      const revokedAt = new Date().toISOString();
      await viaVault(revoke);
      const after: PgRolesSnapshot[] = [];
      await pollRoles(`${c.username} to leave pg_roles after revocation`, (s) => !has(s, c.username), ms((p) => p.waits.command), (s) => after.push(s));
      const loginAfter = await db.tryLogin(target, c.username, c.password, "harness-issued dynamic credential");
      await recordPart(e.evidence, ev, "revocation", { username: c.username, leaseId: c.leaseId, before, loginBefore, revokedAt, after, loginAfter });
    });
    forwardsAlive();
    const v = explain("D3", "explicit-revocation");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });

  it("D4: after rotate-root the bootstrap admin password is rejected over TCP, where a live credential gets in", async () => {
    const live = await viaVault(() => issueCreds(vault, ROLE));
    await withLease(vault, live.leaseId, async (revoke) => {
      const conn = await viaVault(() => vault.read<{ data?: { connection_details?: { username?: string } } }>(`database/config/${vaultNames.dbConfig}`));
      ev.logins = {
        bootstrap: await db.tryLogin(target, POSTGRES.adminUser, e.secrets.postgresBootstrapPassword, "bootstrap admin password"),
        wrongPassword: await db.tryLogin(target, POSTGRES.adminUser, randomBytes(18).toString("hex"), "random wrong password"),
        valid: await db.tryLogin(target, live.username, live.password, "harness-issued dynamic credential"),
        rootUsername: conn.data?.connection_details?.username,
      };
      await viaVault(revoke);
      await recordPart(e.evidence, ev, "logins", ev.logins);
    });
    forwardsAlive();
    const v = explain("D4");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });

  it("D3: every identity the app reported leaves pg_roles once its TTL has passed, while a role made outside Vault stays", async () => {
    const ids = new Set((ev.appSamples ?? []).flatMap((s) => (s.identity ? [s.identity] : [])));
    const bound = toMs(e.profile.vault.defaultTtl) + VAULT_EXPIRATION_BUFFER_MS + ev.params.dropGraceMs;
    const wait = await pollRoles("every app identity to leave pg_roles", (s) => ![...ids].some((id) => has(s, id)), bound, (s) => recordLine(e.evidence, ev, "pgRoles", s));
    forwardsAlive();
    // A role can outlive its deadline and still leave before the wait ends (a revocation retried past the grace): Vault explains both.
    if (explain("D3", "ttl-expiry").verdict !== "pass") {
      const input = { samples: ev.appSamples ?? [], snapshots: ev.pgRoles ?? [], leases: ev.leases ?? [], params: ev.params };
      await recordLingering(rolesToExplain(input, wait.done ? undefined : wait.last));
    }
    const v = explain("D3", "ttl-expiry");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });
});
