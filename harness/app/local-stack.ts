import { appIdentity, renderVaultDefinitions } from "../../fixtures/vault/definitions.ts";
import { toMs } from "../../clusters/duration.ts";
import { issueCredential, type IssuedCredential } from "../postgres/apply-statements.ts";
import type { PgConnection } from "../postgres/client.ts";
import { startLocalPostgres, type LocalPostgres } from "../postgres/local-server.ts";
import type { Profile } from "../profile.ts";
import { startLocalApp, type LocalApp } from "./local-app.ts";
import { createSecretsVolume, type SecretsVolume } from "./secrets-volume.ts";

/**
 * The app's whole local world: a real PostgreSQL, a CSI-style secrets
 * directory holding a credential issued the way Vault issues it, and the real
 * fixture app reading it.
 */
export interface LocalAppStack {
  pg: LocalPostgres;
  admin: PgConnection;
  volume: SecretsVolume;
  app: LocalApp;
  /** The credential mounted when the app started. */
  initial: IssuedCredential;
  /** Issues a new dynamic credential (the fixture role's statements, the profile's TTL). */
  issue(): Promise<IssuedCredential>;
  /** Swaps the mount to a credential, atomically as the CSI driver does. */
  mount(c: { username: string; password: string }): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function startLocalAppStack(profile: Profile): Promise<LocalAppStack> {
  const defs = renderVaultDefinitions(profile);
  const { username: userFile, password: passwordFile } = appIdentity.objects;
  const pg = await startLocalPostgres(profile);
  const admin = await pg.connect();
  const volume = await createSecretsVolume();
  const issue = () =>
    issueCredential(admin, {
      creationStatements: defs.databaseRole.body.creation_statements,
      roleName: defs.names.role,
      ttlMs: toMs(profile.vault.defaultTtl),
    });
  const mount = (c: { username: string; password: string }) => volume.write({ [userFile]: c.username, [passwordFile]: c.password });
  const initial = await issue();
  await mount(initial);
  const app = await startLocalApp({ secretsDir: volume.path, db: pg, profile });
  const stop = async () => {
    await app.stop();
    await volume.remove();
    await admin.close();
    await pg.stop();
  };
  return { pg, admin, volume, app, initial, issue, mount, stop, [Symbol.asyncDispose]: stop };
}
