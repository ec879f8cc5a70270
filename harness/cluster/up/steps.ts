import type { StepSpec } from "./graph.ts";

/**
 * What `up` does, in dependency order. The kubelet's resync period is checked
 * first, then Cilium goes on (nothing schedules without a CNI); the other
 * charts, Postgres and the image load then run in parallel; Vault is
 * configured once Vault, Postgres (its pg_hba checked) and cluster DNS are up,
 * and the app's login through it is checked; the app goes last, after
 * Tetragon and Falco watch (Tetragon must see the app start:
 * tetragon-ready.ts), and `up` ends when it answers through its Service. The
 * image build runs alongside cluster creation.
 */
export const UP_STEPS: readonly StepSpec[] = [
  { name: "state", deps: [], what: "load or generate the cluster secrets (0600, outside the repository), write the EncryptionConfiguration" },
  { name: "fixtures", deps: [], what: "load the Falco rules and the Vault configuration module" },
  {
    name: "kind-cluster",
    deps: ["state", "fixtures"],
    what: "render and check every object (recorded in the run, redacted); create the single-node kind cluster, or reuse it",
  },
  {
    name: "kubelet-config",
    deps: ["kind-cluster"],
    what: "the kubelet's running config (/configz through the API server) resyncs pods at the profile's syncFrequency (no CNI needed)",
  },
  { name: "app-image", deps: ["fixtures"], what: "docker build fixtures/app" },
  { name: "cilium", deps: ["kind-cluster", "kubelet-config"], what: "helm cilium (CNI, kube-proxy replacement); wait for the node to be Ready" },
  { name: "namespaces", deps: ["cilium"], what: "apply the labelled namespaces" },
  {
    name: "tetragon",
    deps: ["cilium"],
    what: "helm tetragon; its DaemonSet rolled out; wait for the TracingPolicy CRDs (cluster-wide and namespaced) and for the agent to finish its /proc scan",
  },
  { name: "falco", deps: ["namespaces"], what: "helm falco (modern_ebpf, JSON, project rules); its DaemonSet rolled out, every pod available" },
  {
    name: "csi-driver",
    deps: ["cilium"],
    what: "helm secrets-store-csi-driver (rotation on, no Secret sync); its DaemonSet rolled out, every pod available",
  },
  {
    name: "vault",
    deps: ["namespaces"],
    what: "helm vault (dev mode, generated root token, CSI provider); the CSI provider DaemonSet rolled out; vault-0 replaced if on an old revision (OnDelete), then Ready (read through the API)",
  },
  { name: "postgres", deps: ["namespaces"], what: "apply Postgres; stream the bootstrap password in; wait Ready" },
  {
    name: "postgres-hba",
    deps: ["postgres"],
    what: "pg_hba_file_rules: the superuser trusted on postgres-0's socket, passwords checked over the pod IP",
  },
  { name: "app-image-load", deps: ["kind-cluster", "app-image"], what: "kind load docker-image (no CNI needed)" },
  {
    name: "cluster-dns",
    deps: ["cilium", "postgres"],
    what: "CoreDNS rolled out; postgres.postgres.svc resolves to its Service IP inside postgres-0 (Vault verifies its DB connection by that name)",
  },
  {
    name: "configure-vault",
    deps: ["vault", "postgres", "postgres-hba", "cluster-dns"],
    what: "configure Vault through harness/vault (skipped when Vault holds what the profile renders; re-applied, naming what drifted, otherwise)",
  },
  {
    name: "vault-login",
    deps: ["configure-vault"],
    what: "log in as the app's service account with a token for the SecretProviderClass audience (policy, token TTL), and be refused for another audience",
  },
  {
    name: "app",
    deps: ["configure-vault", "vault-login", "csi-driver", "app-image-load", "tetragon", "falco"],
    what: "apply SecretProviderClass, Deployment, Service; wait for the rollout; restart the app if Tetragon's agent scanned /proc after it started",
  },
  { name: "app-ready", deps: ["app"], what: "GET / through secure-test-app-svc until 200 with a v-… identity" },
];
