/**
 * Names every part of the stack agrees on: the cluster, namespaces, the app,
 * the labels on what secretproof creates. The article's own names are kept
 * (namespace, Deployment, Service, SecretProviderClass, Postgres pod) so the
 * evidence reads like the experiments it reproduces. A leaf: it imports
 * nothing, so clusters/, fixtures/ and harness/ all build on it.
 */
export const DEFAULT_CLUSTER_NAME = "secretproof";

/**
 * Directories under the state root that are not a cluster's: the pinned CLIs
 * live in <root>/tools (harness/tools/paths.ts), and a cluster's state
 * directory is <root>/<cluster>, which `down` deletes.
 */
export const RESERVED_CLUSTER_NAMES: readonly string[] = ["tools"];

/**
 * The cluster of a mutated stack (fixtures/mutations.yaml): the base name and
 * the mutation's, shortened with a hash of the mutation's name when the two
 * exceed the 32 characters a cluster name may have, so a mutated stack never
 * reuses the base cluster or another mutation's.
 */
export function mutationClusterName(base: string, mutation: string): string {
  const full = `${base}-${mutation}`;
  if (full.length <= 32) return full;
  let h = 0x811c9dc5;
  for (const c of mutation) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  const tag = h.toString(36).slice(0, 4);
  const room = 32 - base.length - tag.length - 2;
  if (room < 1) throw new Error(`cluster name ${JSON.stringify(base)} leaves no room for mutation ${mutation}`);
  return `${base}-${mutation.slice(0, room).replace(/-+$/, "")}-${tag}`;
}

/** The cluster `up` manages: $SECRETPROOF_CLUSTER or "secretproof", under $SECRETPROOF_MUTATION its mutated twin. */
export function clusterName(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.SECRETPROOF_CLUSTER || DEFAULT_CLUSTER_NAME;
  const name = env.SECRETPROOF_MUTATION ? mutationClusterName(base, env.SECRETPROOF_MUTATION) : base;
  if (!/^[a-z0-9]([-a-z0-9]{0,30}[a-z0-9])?$/.test(name)) {
    throw new Error(`invalid cluster name ${JSON.stringify(name)}: lower-case letters, digits and '-', at most 32 characters`);
  }
  if (RESERVED_CLUSTER_NAMES.includes(name)) {
    throw new Error(
      `invalid cluster name ${JSON.stringify(name)} (SECRETPROOF_CLUSTER): its state directory would be the one holding the pinned CLIs, which \`down\` would delete; choose another name`,
    );
  }
  return name;
}

/** The kube context kind writes for a cluster. */
export function kindContext(cluster: string): string {
  return `kind-${cluster}`;
}

/** The kind node container, which is also the API server's in-cluster host name. */
export function controlPlaneNode(cluster: string): string {
  return `${cluster}-control-plane`;
}

export const NS = {
  app: "test-dynamic",
  postgres: "postgres",
  vault: "vault",
  falco: "falco",
  system: "kube-system",
} as const;

export const APP = {
  deployment: "secure-test-app",
  container: "web",
  port: 8080,
  service: "secure-test-app-svc",
  servicePort: 80,
  spc: "vault-dynamic-creds",
  mountPath: "/mnt/secrets",
  /** The fixed UID the app image runs as (the Dockerfile's USER). */
  uid: 10001,
  usernameObject: "db-username",
  passwordObject: "db-password",
} as const;

export const POSTGRES = {
  statefulSet: "postgres",
  pod: "postgres-0",
  container: "postgres",
  bootstrapContainer: "bootstrap-password",
  service: "postgres",
  host: "postgres.postgres.svc",
  port: 5432,
  database: "postgres",
  adminUser: "postgres",
  /** Where the bootstrap password lands in the pod (tmpfs, never a Kubernetes object). */
  bootstrapDir: "/bootstrap",
  bootstrapFile: "/bootstrap/password",
} as const;

export const VAULT = {
  service: "vault",
  port: 8200,
  /** vault-helm names the StatefulSet after the release ("vault"); dev mode runs one replica. */
  statefulSet: "vault",
  pod: "vault-0",
  /** What the CSI provider in the cluster dials (SecretProviderClass vaultAddress). */
  inClusterAddress: "http://vault.vault:8200",
  /** The API server as Vault's Kubernetes auth reaches it from its pod (the in-pod CA covers this name). */
  kubernetesHost: "https://kubernetes.default.svc:443",
} as const;

/** The Tetragon agent as chart 1.7.0 names it (templates/daemonset.yaml, _helpers.tpl "tetragon.name", "container.tetragon.name"). */
export const TETRAGON = {
  namespace: "kube-system",
  daemonSet: "tetragon",
  container: "tetragon",
} as const;

/** Cluster DNS as kubeadm deploys it (cmd/kubeadm/app/constants CoreDNSDeploymentName). */
export const CLUSTER_DNS = {
  namespace: "kube-system",
  deployment: "coredns",
} as const;

export const ENCRYPTION = {
  /** Directory inside the kind node (and the API server pod) holding the EncryptionConfiguration. */
  nodeDir: "/etc/kubernetes/encryption",
  fileName: "encryption-config.yaml",
  keyName: "key1",
} as const;

/** Every object secretproof creates carries this label; cleanup sweeps by it. */
export const MANAGED_BY = { "app.kubernetes.io/managed-by": "secretproof" } as const;

/** The app's pod labels: the Deployment and Service select on them, and so does the Tetragon policy. */
export const APP_SELECTOR = { "app.kubernetes.io/name": "secure-test-app" } as const;

/** Label naming the run that created a per-run object (suites' canaries, attack pods). */
export const RUN_ID_LABEL = "secretproof.dev/run-id";

/**
 * Labels for an object secretproof creates. Objects `up` creates are shared
 * by every run and carry no run id, so a second `up` changes nothing; objects
 * a suite creates for one run pass its run id.
 */
export function managedLabels(extra: Record<string, string> = {}, runId?: string): Record<string, string> {
  return { ...MANAGED_BY, "app.kubernetes.io/part-of": "secretproof", ...extra, ...(runId ? { [RUN_ID_LABEL]: runId } : {}) };
}

/**
 * The exfiltration sink: a listener of ours in its own namespace, the only
 * address the network claim's attempts dial (never anything outside the
 * cluster). The client is the negative control: an unselected pod that dials
 * the same address and must get through.
 */
export const SINK = {
  namespace: "secretproof-sink",
  deployment: "exfil-sink",
  container: "sink",
  service: "exfil-sink",
  port: 8080,
  host: "exfil-sink.secretproof-sink.svc",
  client: "exfil-client",
  clientContainer: "client",
} as const;

/** The sink's and the client's pod labels. */
export const SINK_SELECTOR = { "app.kubernetes.io/name": "exfil-sink" } as const;
export const SINK_CLIENT_SELECTOR = { "app.kubernetes.io/name": "exfil-client" } as const;

/** The CiliumNetworkPolicy limiting the app's egress to cluster DNS and Postgres (fixtures/manifests/network-policy.ts). */
export const APP_EGRESS_POLICY = { name: "secure-test-app-egress", namespace: NS.app } as const;

/** The Cilium agent as chart 1.20.0 names it: DaemonSet cilium, container cilium-agent, in kube-system. */
export const CILIUM = { namespace: "kube-system", daemonSet: "cilium", container: "cilium-agent" } as const;
