import type { Needle } from "../claims/a2-no-secrets/scan.ts";
import type { PassiveSources } from "./dynamic-audit.ts";
import type { AuditTarget } from "./target.ts";
import { readRole } from "./vault-reads.ts";
import { readUsernameTemplate, type UsernameTemplate, vaultRoleNames } from "./vault-username.ts";

type Sources = PassiveSources & { close(): Promise<void> };

/** Vault and the database opened once, on first use, for every step that reads them; close() closes what was opened. */
export function sharedSources(open: () => Promise<Sources>): { get(): Promise<Sources>; close(): Promise<void> } {
  let opened: Promise<Sources> | undefined;
  return {
    get: () => (opened ??= open()),
    close: async () => {
      const s = await opened?.catch(() => undefined);
      await s?.close();
    },
  };
}

/**
 * The DB usernames Vault issued for the role, as A2's needles: the pg_roles
 * roles its connection's username template matches. Without a matchable
 * template there are none: every role would match, which proves nothing.
 */
export async function vaultUsernameNeedles(src: PassiveSources, t: AuditTarget): Promise<{ template: UsernameTemplate; needles: Needle[] }> {
  const template = await readUsernameTemplate(src.vault, t, await readRole(src.vault, t));
  if (!template.pattern) return { template, needles: [] };
  const names = vaultRoleNames(template, await src.roles.snapshot());
  const needles = names.map((value, i) => ({ label: `DB username #${i + 1} (pg_roles, matching Vault's username template)`, value, kind: "db-username" as const }));
  return { template, needles };
}
