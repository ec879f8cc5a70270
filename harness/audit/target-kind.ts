import { join } from "node:path";
import { stringify } from "yaml";
import { APP, NS, POSTGRES, VAULT, kindContext } from "../../clusters/names.ts";
import { kindWhere, type AgentWhere } from "../attack/where.ts";
import { vaultNames } from "../../fixtures/vault/definitions.ts";
import { SECRETS_FILE } from "../cluster/state/state.ts";
import type { AuditTarget } from "./target.ts";
import { TARGET_API_VERSION, TARGET_KIND } from "./target-schema.ts";

/** Where the kind cluster's Vault answers once the auditor forwards it (the command in the printed target's header). */
export const KIND_VAULT_LOCAL_PORT = VAULT.port;

/**
 * The target for the kind cluster `secretproof up` built, from the names the
 * stack and the suites share (clusters/names.ts, fixtures/vault/definitions.ts),
 * so it cannot drift from them. Pure.
 */
export function kindTarget(cluster: string): AuditTarget {
  const where = kindWhere();
  const agentOf = (a: AgentWhere) => ({ namespace: a.namespace, selector: a.selector, container: a.container });
  return {
    apiVersion: TARGET_API_VERSION,
    kind: TARGET_KIND,
    kubeContext: kindContext(cluster),
    workload: { namespace: NS.app, kind: "Deployment", name: APP.deployment, container: APP.container, service: { name: APP.service, port: APP.servicePort } },
    secrets: { mountPath: APP.mountPath, files: [APP.usernameObject, APP.passwordObject] },
    database: {
      pod: { namespace: NS.postgres, name: POSTGRES.pod, container: POSTGRES.container },
      socket: "/var/run/postgresql",
      user: POSTGRES.adminUser,
      database: POSTGRES.database,
    },
    vault: { address: `http://127.0.0.1:${KIND_VAULT_LOCAL_PORT}`, databaseMount: vaultNames.databaseMount, role: vaultNames.role },
    // Where the suites read them (harness/attack/where.ts): Falco by the chart's selector, container falco;
    // Tetragon's pods in kube-system, container export-stdout, which carries the event export.
    falco: agentOf(where.falco),
    tetragon: agentOf(where.tetragon),
    etcd: "kubeadm-static-pod",
  };
}

/**
 * The kind target as a YAML file, with the two commands that give it its
 * Vault address and token; `etcd` replaces the static pod's access (which
 * needs exec) with an endpoint and client files (`target --etcd-certs`).
 */
export function renderKindTarget(cluster: string, stateDir: string, etcd?: AuditTarget["etcd"]): string {
  const t = { ...kindTarget(cluster), ...(etcd ? { etcd } : {}) };
  const secrets = join(stateDir, SECRETS_FILE);
  const head = [
    `# The audit target for the kind cluster "${cluster}" that \`secretproof up\` built.`,
    "# Vault answers on the address below once forwarded:",
    `#   kubectl --context ${t.kubeContext} -n ${NS.vault} port-forward svc/${VAULT.service} ${KIND_VAULT_LOCAL_PORT}:${VAULT.port}`,
    "# and the token comes from the environment (this file never holds it):",
    `#   export VAULT_TOKEN="$(node -p 'require(process.argv[1]).vaultRootToken' ${secrets})"`,
  ];
  return `${head.join("\n")}\n${stringify(t)}`;
}
