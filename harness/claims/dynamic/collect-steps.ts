import { randomBytes } from "node:crypto";
import { toMs } from "../../../clusters/duration.ts";
import { NS, POSTGRES, VAULT, controlPlaneNode } from "../../../clusters/names.ts";
import { vaultNames } from "../../../fixtures/vault/definitions.ts";
import { readRemountFailures } from "../../app/csi-remount-log.ts";
import { kubeletSyncProblem, providerTokenProblem } from "../../app/rotation-cadence.ts";
import { observeWindow } from "../../app/samples.ts";
import { remountModelOf } from "../../profile.ts";
import { VAULT_EXPIRATION_BUFFER_MS } from "../../vault/expiration.ts";
import { gatherLingering, issueCreds, withLease } from "../../vault/index.ts";
import { remountCadenceEvidence, withDriverLog, type RemountCadenceEvidence } from "./cadence.ts";
import { APP_LABELS, ROLE, type DynamicCollection } from "./collect.ts";
import { rolesToExplain } from "./drop.ts";
import { recordLine, recordPart } from "./evidence.ts";
import type { PgRoleRow, PgRolesSnapshot } from "./types.ts";

const has = (s: PgRolesSnapshot, name: string) => s.rows.some((r) => r.rolname === name);
const DYNAMIC_CREDENTIAL = "harness-issued dynamic credential";

/**
 * Upstream behaviours D2 stands on, checked first so a failure names them
 * (harness/app/rotation-cadence.ts): the kubelet resyncs at the profile's
 * syncFrequency and the CSI provider's Vault token outlives the rest of the
 * run. Returns the problems found, none when both hold.
 */
export async function rotationPrerequisiteProblems(c: DynamicCollection): Promise<string[]> {
  const { kube } = c.t;
  const node = controlPlaneNode(c.t.ctx.clusterName);
  const configz = await kube.run(["get", "--raw", `/api/v1/nodes/${node}/proxy/configz`]);
  const pods = await kube.json<{ items?: { status?: { startTime?: string } }[] }>(["-n", NS.app, "get", "pods", "-l", APP_LABELS]);
  return [
    kubeletSyncProblem(configz.stdout, node, c.ms((p) => p.csi.syncFrequency)),
    providerTokenProblem(pods.items?.[0]?.status?.startTime, Date.now(), c.ms((p) => p.vault.authTokenTtl), c.ms((p) => p.budget)),
  ].filter((x) => x !== undefined);
}

/** The D2 window: app, pod, pg_roles and lease looks every probeInterval, bracketed by pod samples. */
export async function observeRotation(c: DynamicCollection): Promise<void> {
  await c.recordPod(); // the pod samples must bracket the app samples
  await observeWindow("the D2 observation window", () => c.tick(), {
    windowMs: c.ms((p) => p.dynamic.rotationWindow),
    intervalMs: c.ms((p) => p.dynamic.probeInterval),
    slackMs: c.ms((p) => p.waits.command),
    ...(c.signal ? { signal: c.signal } : {}),
  });
  await c.recordPod();
  c.forwardsAlive();
}

/**
 * Records the remount cadence the window saw (per identity, the looks'
 * spacing, the model's bound). A remount the CSI driver failed and masked
 * looks like a slow kubelet, or like an app that lost its database: when
 * either shows, the driver's log since the window's first look says which.
 */
export async function recordRemountCadence(c: DynamicCollection): Promise<RemountCadenceEvidence> {
  const samples = c.ev.appSamples ?? [];
  let cadence = remountCadenceEvidence(samples, remountModelOf(c.t.profile));
  const since = samples[0]?.at;
  if (since && (!cadence.ok || cadence.looks.withoutIdentity > 0)) cadence = withDriverLog(cadence, await readRemountFailures(c.t.kube, since));
  await recordPart(c.t.evidence, c.ev, "remountCadence", cadence);
  return cadence;
}

/** D1: the app's identity now, pg_roles right after, and every lease under the role's creds path. */
export async function collectD1(c: DynamicCollection): Promise<void> {
  const sample = await c.sampleApp();
  const snapshot = await c.db.roles();
  await recordPart(c.t.evidence, c.ev, "d1", { sample, snapshot, leases: await c.leases() });
  c.forwardsAlive();
}

/** D3 (revocation): a credential the harness issues, tried before and after its lease is revoked, with pg_roles around it. */
export async function revocationTrial(c: DynamicCollection): Promise<void> {
  const { vault, db, target } = c;
  const cr = await c.viaVault(() => issueCreds(vault, ROLE));
  await withLease(vault, cr.leaseId, async (revoke) => {
    const before = await db.roles();
    const loginBefore = await db.tryLogin(target, cr.username, cr.password, DYNAMIC_CREDENTIAL);
    const revokedAt = new Date().toISOString();
    await c.viaVault(revoke);
    const after: PgRolesSnapshot[] = [];
    await c.pollRoles(`${cr.username} to leave pg_roles after revocation`, (s) => !has(s, cr.username), c.ms((p) => p.waits.command), (s) => after.push(s));
    const loginAfter = await db.tryLogin(target, cr.username, cr.password, DYNAMIC_CREDENTIAL);
    await recordPart(c.t.evidence, c.ev, "revocation", { username: cr.username, leaseId: cr.leaseId, before, loginBefore, revokedAt, after, loginAfter });
  });
  c.forwardsAlive();
}

/** D4: the bootstrap admin password, a wrong one and a live dynamic credential, each tried over TCP; Vault's root username. */
export async function rootLogins(c: DynamicCollection): Promise<void> {
  const { vault, db, target } = c;
  const live = await c.viaVault(() => issueCreds(vault, ROLE));
  await withLease(vault, live.leaseId, async (revoke) => {
    const conn = await c.viaVault(() => vault.read<{ data?: { connection_details?: { username?: string } } }>(`database/config/${vaultNames.dbConfig}`));
    const logins = {
      bootstrap: await db.tryLogin(target, POSTGRES.adminUser, c.t.secrets.postgresBootstrapPassword, "bootstrap admin password"),
      wrongPassword: await db.tryLogin(target, POSTGRES.adminUser, randomBytes(18).toString("hex"), "random wrong password"),
      valid: await db.tryLogin(target, live.username, live.password, DYNAMIC_CREDENTIAL),
      rootUsername: conn.data?.connection_details?.username,
    };
    c.ev.logins = logins;
    await c.viaVault(revoke);
    await recordPart(c.t.evidence, c.ev, "logins", logins);
  });
  c.forwardsAlive();
}

/**
 * D3 (expiry): polls pg_roles until every identity the app reported is gone
 * or TTL + Vault's buffer + dropGrace has passed. When D3 does not pass, what
 * Vault says about the leases of the roles it must explain is gathered too: a
 * role can outlive its deadline and still leave before the wait ends (a
 * revocation retried past the grace).
 */
export async function waitTtlExpiry(c: DynamicCollection): Promise<void> {
  const ids = new Set((c.ev.appSamples ?? []).flatMap((s) => (s.identity ? [s.identity] : [])));
  const bound = toMs(c.t.profile.vault.defaultTtl) + VAULT_EXPIRATION_BUFFER_MS + c.ev.params.dropGraceMs;
  const gone = (s: PgRolesSnapshot) => ![...ids].some((id) => has(s, id));
  const wait = await c.pollRoles("every app identity to leave pg_roles", gone, bound, (s) => recordLine(c.t.evidence, c.ev, "pgRoles", s));
  c.forwardsAlive();
  if (c.judged("D3", "ttl-expiry").verdict === "pass") return;
  const input = { samples: c.ev.appSamples ?? [], snapshots: c.ev.pgRoles ?? [], leases: c.ev.leases ?? [], params: c.ev.params };
  await recordLingering(c, rolesToExplain(input, wait.done ? undefined : wait.last));
}

/**
 * What Vault says about the leases of `roles` (harness/claims/dynamic/lingering.ts
 * words it, first among D3's reasons). Vault logs in go-hclog's standard
 * format, vault-helm 0.34.1 leaving server.logFormat empty (values.yaml:430-434).
 */
async function recordLingering(c: DynamicCollection, roles: PgRoleRow[]): Promise<void> {
  const since = c.ev.appSamples?.[0]?.at ?? new Date(Date.now() - toMs(c.t.profile.budget)).toISOString();
  const log = async () => (await c.t.kube.run(["-n", NS.vault, "logs", VAULT.pod, "-c", "vault", `--since-time=${since}`])).stdout;
  await recordPart(c.t.evidence, c.ev, "lingering", await gatherLingering(c.vault, roles, `database/creds/${ROLE}/`, log));
}
