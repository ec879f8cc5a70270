import { readFile } from "node:fs/promises";
import { PermanentError } from "../core/errors.ts";
import { connectVault } from "../vault/client.ts";
import type { PassiveSources } from "./dynamic-audit.ts";
import { NOT_COLLECTED } from "./not-collected.ts";
import { connectRolesReader } from "./postgres-reads.ts";
import { type AuditTarget, inPodDatabase } from "./target.ts";
import { auditReads, readOnlyVault } from "./vault-reads.ts";

async function fromFile(field: string, path: string): Promise<string> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (err) {
    throw new PermanentError(`${field}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * Vault (read-only wrapper) and Postgres (SELECT only, read-only session)
 * from the target's address, tokenFile or VAULT_TOKEN, and connection
 * string. A database reached by psql in a pod is not opened here: the access
 * plan blocks every claim that would read it (not-collected.ts), so this is
 * reached only if that plan is bypassed.
 */
export async function openPassiveSources(t: AuditTarget, timeoutMs: number, env: NodeJS.ProcessEnv = process.env): Promise<PassiveSources & { close(): Promise<void> }> {
  const token = t.vault.tokenFile ? await fromFile("target.vault.tokenFile", t.vault.tokenFile) : env.VAULT_TOKEN;
  if (!token) throw new PermanentError("no Vault token: give target.vault.tokenFile or set VAULT_TOKEN");
  const d = t.database;
  if (inPodDatabase(d)) throw new PermanentError(`target.database is a pod: ${NOT_COLLECTED.podDatabase}`);
  const c = d.connection;
  const url = "env" in c ? env[c.env] : await fromFile("target.database.connection.file", c.file);
  if (!url) throw new PermanentError(`target.database.connection: ${"env" in c ? `environment variable ${c.env}` : c.file} is empty or unset`);
  const vault = await connectVault({ addr: t.vault.address, token, timeoutMs });
  const roles = await connectRolesReader(url, timeoutMs).catch(async (err: unknown) => {
    await vault.close();
    throw err;
  });
  return {
    vault: readOnlyVault(vault, [], auditReads(t)),
    roles,
    close: async () => {
      await Promise.allSettled([roles.close(), vault.close()]);
    },
  };
}
