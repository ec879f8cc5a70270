import { describe, expect, it } from "vitest";
import { renderVaultDefinitions } from "../../../fixtures/vault/definitions.ts";
import { isPermanent, PermanentError } from "../../../harness/core/errors.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { applyVaultConfiguration, connectionUrl, type VaultApi } from "../../../harness/vault/index.ts";

const BOOTSTRAP = "bootstrap-Admin-pw-9f3c";
const pg = { host: "postgres.postgres.svc", port: 5432, adminUser: "postgres", adminPassword: BOOTSTRAP, database: "postgres" };
const defs = renderVaultDefinitions(PROFILES.ci);

interface Call {
  op: "GET" | "POST" | "LIST";
  path: string;
  body?: object;
}

/**
 * Records the requests the configuration makes and answers from a table of
 * stored paths, in the shapes Vault's API documents. It checks the request
 * plan only; the component tier runs the same code against a real Vault.
 */
function recorder(stored: Record<string, unknown> = {}, fail: (c: Call) => Error | undefined = () => undefined) {
  const calls: Call[] = [];
  const answer = (c: Call) => {
    calls.push(c);
    const e = fail(c);
    if (e) throw e;
  };
  const api: VaultApi = {
    addr: "http://vault.test:8200",
    async read<T>(path: string) {
      answer({ op: "GET", path });
      return (stored[path] ?? {}) as T;
    },
    async readOptional<T>(path: string) {
      answer({ op: "GET", path });
      return stored[path] as T | undefined;
    },
    async write<T>(path: string, body: object) {
      answer({ op: "POST", path, body });
      return undefined as T;
    },
    async list(path: string) {
      answer({ op: "LIST", path });
      return [];
    },
  };
  return { api, calls, writes: () => calls.filter((c) => c.op === "POST") };
}

const configured = {
  "sys/mounts": { data: { "database/": { type: "database" }, "secret/": { type: "kv" } } },
  "sys/auth": { data: { "kubernetes/": { type: "kubernetes" }, "token/": { type: "token" } } },
  "database/config/secretproof-postgres": { data: { plugin_name: "postgresql-database-plugin", connection_details: { username: "postgres" } } },
};

describe("Vault configuration for the pipeline", () => {
  it("on a fresh Vault enables the engine, connects with the bootstrap password, rotates root, then writes role and policy", async () => {
    const r = recorder({ "sys/mounts": { data: { "secret/": { type: "kv" } } } });
    await applyVaultConfiguration(r.api, { profile: PROFILES.ci, postgres: pg }, new Redactor());
    expect(r.writes().map((c) => c.path)).toEqual([
      "sys/mounts/database",
      "database/config/secretproof-postgres",
      "database/rotate-root/secretproof-postgres",
      defs.databaseRole.path,
      defs.policy.path,
    ]);
    expect(r.writes()[1]?.body).toEqual({
      plugin_name: "postgresql-database-plugin",
      connection_url: "postgresql://{{username}}:{{password}}@postgres.postgres.svc:5432/postgres?sslmode=disable",
      allowed_roles: ["secure-app-dynamic"],
      verify_connection: true,
      username: "postgres",
      password: BOOTSTRAP,
    });
    expect(r.writes()[3]?.body).toEqual(defs.databaseRole.body);
  });

  it("on a configured Vault never sends the bootstrap password again, so the rotated one stays", async () => {
    const r = recorder(configured);
    await applyVaultConfiguration(r.api, { profile: PROFILES.ci, postgres: pg, kubernetes: { host: "https://10.96.0.1:443" } }, new Redactor());
    expect(JSON.stringify(r.calls)).not.toContain(BOOTSTRAP);
    expect(r.writes().map((c) => c.path)).toEqual([
      "database/config/secretproof-postgres",
      "database/rotate-root/secretproof-postgres",
      defs.databaseRole.path,
      defs.policy.path,
      "auth/kubernetes/config",
      defs.kubernetesRole.path,
    ]);
    expect(r.writes()[4]?.body).toEqual({ kubernetes_host: "https://10.96.0.1:443" });
  });

  it("skips Kubernetes auth without a cluster", async () => {
    const r = recorder(configured);
    await applyVaultConfiguration(r.api, { profile: PROFILES.ci, postgres: pg }, new Redactor());
    expect(r.calls.some((c) => c.path.startsWith("auth/") || c.path === "sys/auth")).toBe(false);
  });

  it("enables Kubernetes auth when it is missing", async () => {
    const r = recorder({ ...configured, "sys/auth": { data: { "token/": { type: "token" } } } });
    await applyVaultConfiguration(r.api, { profile: PROFILES.ci, postgres: pg, kubernetes: { host: "https://kubernetes.default.svc" } }, new Redactor());
    expect(r.writes().find((c) => c.path === "sys/auth/kubernetes")?.body).toEqual({ type: "kubernetes" });
  });

  it("refuses a mount of the wrong type, and a connection configured for another admin", async () => {
    const wrongType = recorder({ "sys/mounts": { data: { "database/": { type: "kv" } } } });
    await expect(applyVaultConfiguration(wrongType.api, { profile: PROFILES.ci, postgres: pg }, new Redactor())).rejects.toBeInstanceOf(PermanentError);
    const other = recorder({ ...configured, "database/config/secretproof-postgres": { data: { connection_details: { username: "vaultadmin" } } } });
    await expect(applyVaultConfiguration(other.api, { profile: PROFILES.ci, postgres: pg }, new Redactor())).rejects.toThrow(/connects as vaultadmin, not postgres/);
  });

  it("explains a bootstrap password Postgres no longer accepts as permanent", async () => {
    const r = recorder({ "sys/mounts": configured["sys/mounts"] }, (c) =>
      c.path === "database/config/secretproof-postgres" && c.op === "POST"
        ? new PermanentError('POST /v1/database/config/secretproof-postgres returned 400: error creating database object: password authentication failed for user "postgres"')
        : undefined,
    );
    const err = await applyVaultConfiguration(r.api, { profile: PROFILES.ci, postgres: pg }, new Redactor()).catch((e: unknown) => e);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toMatch(/an earlier run rotated it/);
  });

  it("registers the bootstrap password for redaction before any request", async () => {
    const red = new Redactor();
    await applyVaultConfiguration(recorder(configured).api, { profile: PROFILES.ci, postgres: pg }, red);
    expect(red.redact(`pw=${BOOTSTRAP}`)).not.toContain(BOOTSTRAP);
    expect(connectionUrl(pg)).not.toContain(BOOTSTRAP);
  });
});
