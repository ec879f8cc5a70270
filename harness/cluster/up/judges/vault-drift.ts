import type { VaultDefinitions } from "../../../../fixtures/vault/definitions.ts";
import type { AppRestartDecision, AppStart } from "./tetragon-scan.ts";

/** The `data` of what Vault answered for each object the profile renders; undefined where Vault holds none. */
export interface VaultHeld {
  databaseRole?: Record<string, unknown>;
  kubernetesRole?: Record<string, unknown>;
  policy?: Record<string, unknown>;
}

/** Seconds of a rendered Vault duration ("60s", as vaultDuration writes it). */
function renderedSeconds(d: string): number {
  const m = /^(\d+)s$/.exec(d);
  if (!m) throw new Error(`rendered Vault duration ${JSON.stringify(d)} is not whole seconds`);
  return Number(m[1]);
}

const show = (v: unknown) => (v === undefined ? "nothing" : JSON.stringify(v));
const sorted = (v: unknown) => (Array.isArray(v) ? [...v].map(String).sort() : v);
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

type Field = { name: string; held: unknown; want: unknown };

function differences(path: string, fields: Field[]): string[] {
  return fields.filter((f) => !same(f.held, f.want)).map((f) => `${path} ${f.name}: Vault holds ${show(f.held)}, the profile renders ${show(f.want)}`);
}

/**
 * Where what Vault holds differs from what fixtures/vault/definitions.ts
 * renders for the profile, one line per field. Read shapes: GET
 * database/roles/<r> answers default_ttl and max_ttl in seconds and the
 * statements as lists (hashicorp/vault builtin/logical/database/path_roles.go
 * pathRoleRead:371-380, ce/main with vault-plugin-auth-kubernetes v0.24.1 in
 * go.mod); GET auth/kubernetes/role/<r> answers the bound lists, `audience`
 * only when set, and token_ttl in seconds with token_policies as given
 * (vault-plugin-auth-kubernetes v0.24.1 path_role.go:168-179; vault
 * sdk/helper/tokenutil/tokenutil.go PopulateTokenData:262-275); GET
 * sys/policies/acl/<p> answers the text as written (vault/logical_system.go
 * handlePoliciesRead:4104-4105). Bound lists and policies are sets to Vault,
 * so their order is not drift; statements run in order, so theirs is.
 */
export function vaultDrift(defs: VaultDefinitions, held: VaultHeld): string[] {
  const out: string[] = [];
  const db = held.databaseRole;
  if (db) {
    const want = defs.databaseRole.body;
    out.push(
      ...differences(defs.databaseRole.path, [
        { name: "db_name", held: db.db_name, want: want.db_name },
        { name: "creation_statements", held: db.creation_statements, want: want.creation_statements },
        { name: "revocation_statements", held: db.revocation_statements, want: want.revocation_statements },
        { name: "default_ttl (s)", held: db.default_ttl, want: renderedSeconds(want.default_ttl) },
        { name: "max_ttl (s)", held: db.max_ttl, want: renderedSeconds(want.max_ttl) },
      ]),
    );
  }
  const auth = held.kubernetesRole;
  if (auth) {
    const want = defs.kubernetesRole.body;
    out.push(
      ...differences(defs.kubernetesRole.path, [
        { name: "bound_service_account_names", held: sorted(auth.bound_service_account_names), want: sorted(want.bound_service_account_names) },
        { name: "bound_service_account_namespaces", held: sorted(auth.bound_service_account_namespaces), want: sorted(want.bound_service_account_namespaces) },
        { name: "audience", held: auth.audience ?? "", want: want.audience },
        { name: "token_policies", held: sorted(auth.token_policies), want: sorted(want.token_policies) },
        { name: "token_ttl (s)", held: auth.token_ttl, want: renderedSeconds(want.token_ttl) },
      ]),
    );
  }
  const policy = held.policy;
  if (policy && policy.policy !== defs.policy.body.policy) {
    out.push(`${defs.policy.path} policy: Vault holds ${show(policy.policy)}, the profile renders ${show(defs.policy.body.policy)}`);
  }
  return out;
}

/**
 * Whether the app must be restarted because Vault's configuration was
 * (re)applied after it started: its mounted credential was issued under the
 * old database role, and the CSI provider keeps the Vault token it logged in
 * with for the pod's life (vault-csi-provider v1.7.4 internal/client/client.go:128-161),
 * issued under the old auth role. Start times have whole seconds, so a start
 * in the same second counts as before.
 */
export function decideRestartAfterVault(appliedAt: string | undefined, apps: readonly AppStart[]): AppRestartDecision {
  if (appliedAt === undefined) return { restart: false, reason: "Vault's configuration was already as rendered" };
  const at = Date.parse(appliedAt);
  const early = apps.filter((a) => !a.startedAt || !(Date.parse(a.startedAt) > at));
  if (early.length === 0) return { restart: false, reason: `the app started after Vault was configured (${appliedAt})` };
  const which = early.map((a) => `${a.pod} (started ${a.startedAt ?? "not running"})`).join(", ");
  return {
    restart: true,
    reason: `Vault's configuration was applied at ${appliedAt}, after ${which} started: its mounted credential and the CSI provider's Vault token come from the roles as they were`,
  };
}
