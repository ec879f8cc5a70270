import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appIdentity, renderVaultDefinitions } from "../../fixtures/vault/definitions.ts";
import { startLocalApp, type LocalApp } from "../../harness/app/local-app.ts";
import { sampleApp } from "../../harness/app/samples.ts";
import { createSecretsVolume, type SecretsVolume } from "../../harness/app/secrets-volume.ts";
import { identitySequence } from "../../harness/claims/dynamic.ts";
import { toMs } from "../../harness/core/duration.ts";
import { issueCredential } from "../../harness/postgres/apply-statements.ts";
import type { PgConnection } from "../../harness/postgres/client.ts";
import { startLocalPostgres, type LocalPostgres } from "../../harness/postgres/local-server.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/** The e2e suite's app sampler, read against the real fixture app and a real PostgreSQL. */
const profile = loadProfile();
const defs = renderVaultDefinitions(profile);
const { username: USER_FILE, password: PASSWORD_FILE } = appIdentity.objects;
const opts = { timeoutMs: 10_000 };
let pg: LocalPostgres;
let admin: PgConnection;
let volume: SecretsVolume;
let app: LocalApp;

const issue = () => issueCredential(admin, { creationStatements: defs.databaseRole.body.creation_statements, roleName: defs.names.role, ttlMs: toMs(profile.vault.defaultTtl) });
const mount = (c: { username: string; password: string }) => volume.write({ [USER_FILE]: c.username, [PASSWORD_FILE]: c.password });

beforeAll(async () => {
  pg = await startLocalPostgres(profile);
  admin = await pg.connect();
  volume = await createSecretsVolume();
  await mount(await issue());
  app = await startLocalApp({ secretsDir: volume.path, db: pg, profile });
});

afterAll(async () => {
  await app?.stop();
  await volume?.remove();
  await admin?.close();
  await pg?.stop();
});

describe("app samples record the identity the app reports", () => {
  it("read db_user from a 200 and see a rotated credential on the next request", async () => {
    const first = await sampleApp(app.url, opts);
    expect(first).toMatchObject({ status: 200 });
    expect(first.identity).toMatch(/^v-kubernet-secure-a-[0-9A-Za-z]{20}-\d{10}$/);
    const next = await issue();
    await mount(next);
    const second = await sampleApp(app.url, opts);
    expect(second.identity).toBe(next.username);
    expect(identitySequence([first, second]).identities).toEqual([first.identity, next.username]);
  });

  it("record a refused login as a non-200 sample with the app's fixed reason and no identity", async () => {
    const c = await issue();
    await mount({ username: c.username, password: `${c.password}-wrong` });
    const s = await sampleApp(app.url, opts);
    expect(s).toMatchObject({ status: 503, error: "database connection failed" });
    expect(s.identity).toBeUndefined();
    await mount(c);
  });

  it("record an unreachable app as status 0 instead of throwing", async () => {
    const s = await sampleApp("http://127.0.0.1:1/", { timeoutMs: 2_000 });
    expect(s.status).toBe(0);
    expect(s.error).toMatch(/ECONNREFUSED|fetch failed/);
  });
});
