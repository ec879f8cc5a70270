import type { VaultDefinitions } from "../../fixtures/vault/definitions.ts";
import type { VaultHeld } from "../../harness/cluster/up/judges/vault-drift.ts";

const seconds = (d: string) => Number(d.replace(/s$/, ""));

/**
 * The `data` Vault answers for each object once `defs` was written, in its
 * read shapes: database/roles (hashicorp/vault builtin/logical/database/
 * path_roles.go pathRoleRead: TTLs as seconds, every statement list present),
 * auth/kubernetes/role (vault-plugin-auth-kubernetes v0.24.1 path_role.go
 * pathRoleRead plus tokenutil PopulateTokenData: the token_* fields, legacy
 * `policies` copied from token_policies), sys/policies/acl (name and text).
 */
export function heldAsRendered(defs: VaultDefinitions): Required<VaultHeld> {
  const db = defs.databaseRole.body;
  const k8s = defs.kubernetesRole.body;
  return {
    databaseRole: {
      creation_statements: [...db.creation_statements],
      credential_type: "password",
      db_name: db.db_name,
      default_ttl: seconds(db.default_ttl),
      max_ttl: seconds(db.max_ttl),
      renew_statements: [],
      revocation_statements: [...db.revocation_statements],
      rollback_statements: [],
    },
    kubernetesRole: {
      alias_metadata: {},
      alias_name_source: "serviceaccount_uid",
      audience: k8s.audience,
      bound_service_account_names: [...k8s.bound_service_account_names],
      bound_service_account_namespace_selector: "",
      bound_service_account_namespaces: [...k8s.bound_service_account_namespaces],
      policies: [...k8s.token_policies],
      token_bound_cidrs: [],
      token_explicit_max_ttl: 0,
      token_max_ttl: 0,
      token_no_default_policy: false,
      token_num_uses: 0,
      token_period: 0,
      token_policies: [...k8s.token_policies],
      token_ttl: seconds(k8s.token_ttl),
      token_type: "default",
    },
    policy: { name: defs.names.policy, policy: defs.policy.body.policy },
  };
}
