import { randomBytes } from "node:crypto";
import { PostgreSqlContainer, type StartedPostgreSqlContainer } from "@testcontainers/postgresql";
import { VaultContainer, type StartedVaultContainer } from "@testcontainers/vault";
import { Network, type StartedNetwork } from "testcontainers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { versions } from "../../clusters/versions.ts";
import { renderVaultDefinitions } from "../../fixtures/vault/definitions.ts";
import { generateVaultRootToken } from "../../harness/cluster/state/vault-root-token.ts";
import { VAULT_EXPIRATION_BUFFER_MS } from "../../harness/vault/expiration.ts";
import { classifyLogin, judgeD1, judgeD3Expiry, judgeD3Revocation, judgeD4, type LoginAttempt, type PgRolesSnapshot } from "../../harness/claims/dynamic/index.ts";
import { toMs } from "../../clusters/duration.ts";
import { waitFor } from "../../harness/core/wait.ts";
import { redactor } from "../../harness/evidence/redact.ts";
import { execShell, inPodPostgres, type InPodPostgres } from "../../harness/postgres/in-pod.ts";
import type { Profile } from "../../harness/profile.ts";
import { configureVault, connectVault, issueCreds, lookupAll, lookupLease, revokeLease, type VaultHandle } from "../../harness/vault/index.ts";
import { loadProfile } from "../../harness/vitest/index.ts";
import { tcpLogin } from "./support/tcp-login.ts";

/**
 * Vault and PostgreSQL in containers on one network, configured by the same
 * harness code and fixture role as the cluster. The role's TTL is the
 * profile's short componentTtl so expiry is observed within seconds.
 */
const base = loadProfile();
const ttl = base.dynamic.componentTtl;
const profile: Profile = { ...base, vault: { ...base.vault, defaultTtl: ttl, maxTtl: ttl } };
const defs = renderVaultDefinitions(profile);
const ROLE = defs.names.role;
const params = {
  roleName: ROLE,
  defaultTtlMs: toMs(ttl),
  expiryToleranceMs: toMs(profile.dynamic.expiryTolerance),
  dropGraceMs: toMs(profile.dynamic.dropGrace),
  controlRole: `v-secretproof-control-${randomBytes(3).toString("hex")}`,
};
const bootstrap = randomBytes(18).toString("base64url");
// The same generator as a cluster's: Vault's dev mode refuses a chosen root token ID with the hvs. prefix.
const rootToken = generateVaultRootToken();
redactor.register(bootstrap, "component postgres bootstrap password");
redactor.register(rootToken, "component vault root token");

let network: StartedNetwork;
let pgc: StartedPostgreSqlContainer;
let vc: StartedVaultContainer;
let vault: VaultHandle;
let db: InPodPostgres;

const endpoint = () => ({ host: pgc.getHost(), port: pgc.getPort(), database: "postgres" });
const login = (user: string, password: string, credential: string): Promise<LoginAttempt> => tcpLogin(endpoint(), user, password, credential, toMs(profile.waits.command));
const configure = () =>
  configureVault({ addr: vc.getAddress(), token: rootToken, profile, postgres: { host: "postgres", port: 5432, adminUser: "postgres", adminPassword: bootstrap, database: "postgres" } });
const has = (s: PgRolesSnapshot, name: string) => s.rows.some((r) => r.rolname === name);

beforeAll(async () => {
  network = await new Network().start();
  pgc = await new PostgreSqlContainer(versions.images.postgres)
    .withNetwork(network)
    .withNetworkAliases("postgres")
    .withDatabase("postgres")
    .withUsername("postgres")
    .withPassword(bootstrap)
    // pg_isready needs no password; the module's default check would put it in the container's config.
    .withHealthCheck({ test: ["CMD-SHELL", "pg_isready --host localhost --username postgres --dbname postgres"], interval: 250, timeout: 1000, retries: 1000 })
    .start();
  vc = await new VaultContainer(versions.images.vault).withVaultToken(rootToken).withNetwork(network).start();
  db = inPodPostgres(execShell("container postgres", (cmd) => pgc.exec(cmd)));
  await db.createControlRole(params.controlRole);
  await configure();
  vault = await connectVault({ addr: vc.getAddress(), token: rootToken, timeoutMs: toMs(profile.waits.command) });
});

afterAll(async () => {
  await vault?.close();
  await vc?.stop();
  await pgc?.stop();
  await network?.stop();
});

describe("D4 (component): after rotate-root only Vault knows the admin password", () => {
  const d4 = async () => {
    const live = await issueCreds(vault, ROLE);
    const conn = await vault.read<{ data?: { connection_details?: { username?: string } } }>(`database/config/${defs.names.dbConfig}`);
    const input = {
      bootstrap: await login("postgres", bootstrap, "bootstrap admin password"),
      wrongPassword: await login("postgres", randomBytes(12).toString("hex"), "random wrong password"),
      valid: await login(live.username, live.password, "fresh dynamic credential"),
      rootUsername: conn.data?.connection_details?.username,
    };
    // Leave no extra lease behind: D1 below must find exactly one lease expiring with its role.
    await revokeLease(vault, live.leaseId, { sync: true });
    return judgeD4(input, []);
  };

  it("rejects the bootstrap admin password over TCP while a Vault-issued credential gets in", async () => {
    const v = await d4();
    expect(v.verdict, v.reasons.concat(v.negativeControl?.reasons ?? []).join("\n")).toBe("pass");
  });

  it("survives configuring Vault a second time: the rotated password stays Vault's and still works for Vault", async () => {
    await configure();
    const v = await d4();
    expect(v.verdict, v.reasons.concat(v.negativeControl?.reasons ?? []).join("\n")).toBe("pass");
  });
});

describe("D1 (component): an issued credential is a Postgres role with its lease's hard expiry", () => {
  it("finds the role in pg_roles with VALID UNTIL = lease expire_time + Vault's buffer", async () => {
    const c = await issueCreds(vault, ROLE);
    const sample = { at: new Date().toISOString(), status: 200, identity: c.username };
    const snapshot = await db.roles();
    const leases = await lookupAll(vault, `database/creds/${ROLE}/`);
    expect(leases.map((l) => l.lookup.id)).toContain(c.leaseId);
    const v = judgeD1({ sample, snapshot, leases, params }, []);
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});

describe("D3 (component): expired and revoked credentials are dropped", () => {
  it("drops a revoked lease's role at once and refuses its password", async () => {
    const c = await issueCreds(vault, ROLE);
    const before = await db.roles();
    const loginBefore = await login(c.username, c.password, "issued dynamic credential");
    const revokedAt = new Date().toISOString();
    await revokeLease(vault, c.leaseId, { sync: true });
    const after = [await db.roles()];
    const loginAfter = await login(c.username, c.password, "issued dynamic credential");
    const v = judgeD3Revocation({ username: c.username, leaseId: c.leaseId, before, loginBefore, revokedAt, after, loginAfter }, params.controlRole, []);
    expect(v.verdict, v.reasons.concat(v.negativeControl?.reasons ?? []).join("\n")).toBe("pass");
  });

  it("drops a role once its lease's TTL passes, while a role made outside Vault stays", async () => {
    const c = await issueCreds(vault, ROLE);
    const leases = [await lookupLease(vault, c.leaseId)];
    const samples = [{ at: new Date().toISOString(), status: 200, identity: c.username }];
    const snapshots: PgRolesSnapshot[] = [await db.roles()];
    expect(has(snapshots[0] as PgRolesSnapshot, c.username)).toBe(true);
    await waitFor(
      `${c.username} to leave pg_roles after its ${ttl} TTL`,
      async () => {
        const s = await db.roles();
        snapshots.push(s);
        return has(s, c.username) ? { done: false, state: `present at ${s.pgNow}` } : { done: true, value: s };
      },
      { timeoutMs: params.defaultTtlMs + VAULT_EXPIRATION_BUFFER_MS + params.dropGraceMs, intervalMs: toMs(profile.dynamic.probeInterval) },
    );
    const v = judgeD3Expiry({ samples, snapshots, leases, params }, []);
    expect(v.verdict, v.reasons.concat(v.negativeControl?.reasons ?? []).join("\n")).toBe("pass");
    expect(classifyLogin(await login(c.username, c.password, "expired dynamic credential")).outcome).toBe("rejected");
  });
});
