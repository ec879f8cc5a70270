import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderVaultDefinitions } from "../../fixtures/vault/definitions.ts";
import { freePort } from "../../harness/core/net.ts";
import { findLeaks } from "../../harness/app/leak-scan.ts";
import { startLocalApp, type AppResponse, type LocalApp } from "../../harness/app/local-app.ts";
import { createSecretsVolume, type SecretsVolume } from "../../harness/app/secrets-volume.ts";
import { startLocalAppStack, type LocalAppStack } from "../../harness/app/local-stack.ts";
import { revokeCredential, type IssuedCredential } from "../../harness/postgres/apply-statements.ts";
import type { PgConnection } from "../../harness/postgres/client.ts";
import type { LocalPostgres } from "../../harness/postgres/local-server.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

const profile = loadProfile();
const defs = renderVaultDefinitions(profile);

let stack: LocalAppStack;
let pg: LocalPostgres;
let admin: PgConnection;
let volume: SecretsVolume;
let app: LocalApp;
let first: IssuedCredential;
const seen: AppResponse[] = [];
const passwords: string[] = [];

const issue = async () => {
  const c = await stack.issue();
  passwords.push(c.password);
  return c;
};
const mount = (c: { username: string; password: string }) => stack.mount(c);
const get = async (path: string, json = true) => {
  const r = await app.get(path, { json });
  seen.push(r);
  return r;
};
const identity = async () => {
  const r = await get("/");
  expect(r.status, r.body).toBe(200);
  return JSON.parse(r.body) as { db_user: string; server_addr: string; db_time: string; pid: number };
};

beforeAll(async () => {
  stack = await startLocalAppStack(profile);
  ({ pg, admin, volume, app, initial: first } = stack);
  passwords.push(first.password);
});

afterAll(async () => {
  await stack?.stop();
});

describe("the fixture app against real PostgreSQL and a CSI-style secrets directory", () => {
  it("reads its credential through the ..data symlink the CSI driver swaps", async () => {
    expect(await volume.currentDataDir()).toMatch(/^\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\./);
  });

  it("reports the DB identity, server address and time of the mounted role, from its own PID", async () => {
    const id = await identity();
    expect(id).toMatchObject({ db_user: first.username, server_addr: "127.0.0.1", pid: app.pid });
    expect(Math.abs(Date.parse(id.db_time) - Date.now())).toBeLessThan(60_000);
    const page = await get("/", false);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.body).toContain(first.username);
  });

  it("picks up an atomically swapped credential on the next request without restarting", async () => {
    const next = await issue();
    await mount(next);
    const id = await identity();
    expect(id.db_user).toBe(next.username);
    expect(id.pid).toBe(app.pid);
    expect(app.alive()).toBe(true);
  });

  it("never pairs one generation's username with another's password while the mount keeps rotating", async () => {
    const [a, b] = [await issue(), await issue()];
    const swaps = (async () => {
      for (let i = 0; i < 60; i++) await mount(i % 2 ? a : b);
    })();
    const statuses: number[] = [];
    const requests = (async () => {
      for (let i = 0; i < 60; i++) statuses.push((await get("/")).status);
    })();
    await Promise.all([swaps, requests]);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  });

  it("keeps serving the current role after the previous role is dropped", async () => {
    const current = (await identity()).db_user;
    await revokeCredential(admin, defs.databaseRole.body.revocation_statements, first.username);
    expect((await identity()).db_user).toBe(current);
  });

  it("answers 503 with a generic reason when Postgres rejects the mounted password", async () => {
    const c = await issue();
    const wrong = `${c.password.slice(0, -1)}${c.password.endsWith("x") ? "y" : "x"}`;
    passwords.push(wrong);
    await mount({ username: c.username, password: wrong });
    const r = await get("/");
    expect([r.status, JSON.parse(r.body)]).toEqual([503, { error: "database connection failed" }]);
    await mount(c);
    expect((await identity()).db_user).toBe(c.username);
  });

  it("answers 503 with a generic reason when the secret files are missing, and /healthz stays 200", async () => {
    await volume.clear();
    const r = await get("/");
    expect([r.status, JSON.parse(r.body)]).toEqual([503, { error: "credentials unavailable" }]);
    expect((await get("/", false)).status).toBe(503);
    expect((await get("/healthz")).status).toBe(200);
  });

  it("answers /healthz without reaching the database or the secrets", async () => {
    await using empty = await createSecretsVolume();
    await using lone = await startLocalApp({ secretsDir: empty.path, db: { ...pg, port: await freePort() }, profile });
    expect((await lone.get("/healthz", { json: true })).status).toBe(200);
    expect((await lone.get("/", { json: true })).status).toBe(503);
  });

  it("never returns a password or any 4+ character prefix of one, in any response or log line", async () => {
    expect(seen.length).toBeGreaterThanOrEqual(10);
    const texts = seen.map((r) => `${JSON.stringify(r.headers)}\n${r.body}`);
    for (const secret of [...passwords, pg.adminPassword]) {
      for (const text of [...texts, app.output()]) expect(findLeaks(text, secret)).toEqual([]);
    }
    expect(app.output()).not.toContain("<redacted");
  });
});
