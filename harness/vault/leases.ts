import type { RoleRow } from "../postgres/roles.ts";
import { revokeFailureLines } from "./revoke-log.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { VaultApi } from "./client.ts";

/** The `data` of `PUT sys/leases/lookup` (vault/logical_system.go handleLeaseLookup). */
export interface LeaseLookup {
  id: string;
  issue_time: string;
  /** null when the lease has no expiry. */
  expire_time: string | null;
  /**
   * Whole seconds from Vault's clock, rounded to the second, to expire_time,
   * converted toward zero: negative once the lease is past its expiry and
   * still held (vault/expiration.go:3082-3084; see vaultNowAtLookup).
   */
  ttl: number;
  renewable?: boolean;
  last_renewal?: string | null;
}

/** A lease lookup and when the harness made it. */
export interface LeaseRecord {
  /** When the lookup was sent (harness clock). */
  at: string;
  lookup: LeaseLookup;
}

/** One entry of GET sys/leases?type=irrevocable (vault/expiration.go leaseResponse, :2937-2942 at 6fd972499f). */
export interface IrrevocableLease {
  lease_id: string;
  /** The mount's accessor. */
  mount_id: string;
  /** The revocation error Vault kept when it gave up (at most 240 characters, "unknown" when empty: :2829-2840). */
  error: string;
}

/** The `data` of GET sys/leases?type=irrevocable (vault/logical_system.go handleLeaseList; expiration.go listIrrevocableLeases). */
export interface IrrevocableLeases {
  lease_count: number;
  leases: IrrevocableLease[];
}

/** A source the suite could not read, and why: recorded in its place. */
export interface Unreadable {
  unreadable: string;
}

/**
 * What the suite gathers when D3 (TTL expiry) does not pass, to tell why
 * Vault dropped app identities late, or not at all.
 */
export interface LingeringEvidence {
  /** When gathering started (harness clock). */
  at: string;
  /** The pg_roles rows of the app identities that outlived their deadline in any snapshot, or were still listed when the drop wait ran out. */
  roles: RoleRow[];
  /** Every lease Vault still holds under database/creds/<role>/, looked up after the drop wait. */
  leases: LeaseRecord[] | Unreadable;
  /** GET sys/leases?type=irrevocable. */
  irrevocable: IrrevocableLeases | Unreadable;
  /** The lines of Vault's log that report failed revocations (revoke-log.ts). */
  vaultLog: string[] | Unreadable;
}

/** A credential issued from `database/creds/<role>`; the password is registered for redaction before it is returned. */
export interface IssuedCreds {
  username: string;
  password: string;
  leaseId: string;
  leaseDurationSec: number;
}

interface CredsResponse {
  lease_id?: string;
  lease_duration?: number;
  data?: { username?: string; password?: string };
}

/** Reads `<mount>/creds/<role>`, as the CSI provider does for the app. */
export async function issueCreds(vault: VaultApi, role: string, mount = "database", red: Redactor = defaultRedactor): Promise<IssuedCreds> {
  const r = await vault.read<CredsResponse>(`${mount}/creds/${role}`);
  const { username, password } = r?.data ?? {};
  if (typeof password === "string" && password.length > 0) red.register(password, `dynamic credential issued to the harness (${username ?? "?"})`);
  if (typeof username !== "string" || typeof password !== "string" || typeof r.lease_id !== "string") {
    throw new Error(`GET /v1/${mount}/creds/${role} against ${vault.addr} returned no username, password and lease_id`);
  }
  return { username, password, leaseId: r.lease_id, leaseDurationSec: r.lease_duration ?? 0 };
}

/**
 * Every live lease under a prefix such as `database/creds/<role>/`
 * (LIST sys/leases/lookup/<prefix>, which needs sudo: the root token has it).
 * Returns full lease ids; an empty prefix lists nothing rather than failing.
 */
export async function listLeases(vault: VaultApi, prefix: string): Promise<string[]> {
  const p = prefix.endsWith("/") ? prefix : `${prefix}/`;
  const keys = await vault.list(`sys/leases/lookup/${p}`);
  return keys.filter((k) => !k.endsWith("/")).map((k) => `${p}${k}`);
}

/** PUT sys/leases/lookup: the lease's times, as Vault's clock has them, and when we asked. */
export async function lookupLease(vault: VaultApi, leaseId: string): Promise<LeaseRecord> {
  const at = new Date().toISOString();
  const r = await vault.write<{ data?: LeaseLookup }>("sys/leases/lookup", { lease_id: leaseId });
  const d = r?.data;
  if (!d || typeof d.id !== "string" || typeof d.issue_time !== "string") {
    throw new Error(`PUT /v1/sys/leases/lookup for ${leaseId} against ${vault.addr} returned no lease data`);
  }
  return { at, lookup: { id: d.id, issue_time: d.issue_time, expire_time: d.expire_time ?? null, ttl: d.ttl, renewable: d.renewable, last_renewal: d.last_renewal ?? null } };
}

/** Lists and looks up every lease under a prefix; leases that expire between the two steps are skipped. */
export async function lookupAll(vault: VaultApi, prefix: string): Promise<LeaseRecord[]> {
  const out: LeaseRecord[] = [];
  for (const id of await listLeases(vault, prefix)) {
    try {
      out.push(await lookupLease(vault, id));
    } catch (err) {
      if (!/invalid lease/i.test((err as Error).message)) throw err;
    }
  }
  return out;
}

/**
 * PUT sys/leases/revoke. Vault queues revocations unless `sync` is true; with
 * it, the call returns after the database plugin ran the revocation statements.
 */
export async function revokeLease(vault: VaultApi, leaseId: string, opts: { sync: boolean } = { sync: true }): Promise<void> {
  await vault.write("sys/leases/revoke", { lease_id: leaseId, sync: opts.sync });
}

/**
 * GET sys/leases?type=irrevocable: the leases Vault gave up revoking, each
 * with the error it kept (hashicorp/vault vault/logical_system_paths.go:3696-3724,
 * logical_system.go:446-473 at 6fd972499f; a read, whose fields Vault takes
 * from the query string, http/logical.go:70-90). The root namespace's only.
 */
export async function irrevocableLeases(vault: VaultApi): Promise<IrrevocableLeases> {
  const path = "sys/leases?type=irrevocable";
  const d = (await vault.read<{ data?: { lease_count?: unknown; leases?: unknown } }>(path))?.data;
  if (!d || !Array.isArray(d.leases)) throw new Error(`GET /v1/${path} against ${vault.addr} returned no lease list: ${JSON.stringify(d ?? null).slice(0, 200)}`);
  const leases = (d.leases as Record<string, unknown>[]).map((l) => ({ lease_id: String(l.lease_id ?? ""), mount_id: String(l.mount_id ?? ""), error: String(l.error ?? "") }));
  return { lease_count: typeof d.lease_count === "number" ? d.lease_count : leases.length, leases };
}

/**
 * Runs `fn` with a lease the harness issued and revokes the lease afterwards
 * unless `fn` did: a failed step must not leave its role to linger until TTL.
 * `fn`'s own failure wins over a failed cleanup revocation.
 */
export async function withLease(vault: VaultApi, leaseId: string, fn: (revoke: () => Promise<void>) => Promise<void>): Promise<void> {
  let revoked = false;
  const revoke = async () => {
    await revokeLease(vault, leaseId, { sync: true });
    revoked = true;
  };
  const failure = await fn(revoke).then(() => undefined, (err: unknown) => ({ err }));
  if (!revoked) {
    await revoke().catch((err: unknown) => {
      if (!failure) throw new Error(`could not revoke the harness-issued lease ${leaseId}`, { cause: err });
    });
  }
  if (failure) throw failure.err;
}

/**
 * What Vault says about `roles`, still in pg_roles after their leases
 * expired (judged by harness/claims/dynamic/lingering.ts): every lease it
 * still holds under `prefix`, its irrevocable leases, and the last
 * `maxLogReports` failed-revocation reports in its log. A source that cannot
 * be read is recorded as unreadable, with the reason; this never throws.
 */
export async function gatherLingering(
  vault: VaultApi,
  roles: RoleRow[],
  prefix: string,
  readVaultLog: () => Promise<string>,
  maxLogReports = 50,
): Promise<LingeringEvidence> {
  const at = new Date().toISOString();
  const unreadable = (err: unknown) => ({ unreadable: err instanceof Error ? err.message : String(err) });
  const [leases, irrevocable, vaultLog] = await Promise.all([
    lookupAll(vault, prefix).catch(unreadable),
    irrevocableLeases(vault).catch(unreadable),
    readVaultLog().then((text) => revokeFailureLines(text, maxLogReports), unreadable),
  ]);
  return { at, roles, leases, irrevocable, vaultLog };
}
