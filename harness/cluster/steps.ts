import type { StepSpec } from "./graph.ts";

/**
 * What `up` does, in dependency order. Cilium goes first (nothing schedules
 * without a CNI); the other charts, Postgres and the image load then run in
 * parallel; Vault is configured once Vault, Postgres and cluster DNS are up;
 * the app goes last, after Tetragon and Falco watch (Tetragon must see the
 * app start: tetragon-ready.ts), and `up` ends when it answers through its
 * Service. The image build runs alongside cluster creation.
 */
export const UP_STEPS: readonly StepSpec[] = [
  { name: "state", deps: [], what: "load or generate the cluster secrets (0600, outside the repository), write the EncryptionConfiguration" },
  { name: "fixtures", deps: [], what: "load the Falco rules and the Vault configuration module" },
  {
    name: "kind-cluster",
    deps: ["state", "fixtures"],
    what: "render and check every object (recorded in the run, redacted); create the single-node kind cluster, or reuse it",
  },
  { name: "app-image", deps: ["fixtures"], what: "docker build fixtures/app" },
  { name: "cilium", deps: ["kind-cluster"], what: "helm cilium (CNI, kube-proxy replacement); wait for the node to be Ready" },
  { name: "namespaces", deps: ["cilium"], what: "apply the labelled namespaces" },
  {
    name: "tetragon",
    deps: ["cilium"],
    what: "helm tetragon; wait for the TracingPolicy CRD and for the agent to finish its /proc scan",
  },
  { name: "falco", deps: ["namespaces"], what: "helm falco (modern_ebpf, JSON, project rules)" },
  { name: "csi-driver", deps: ["cilium"], what: "helm secrets-store-csi-driver (rotation on, no Secret sync)" },
  {
    name: "vault",
    deps: ["namespaces"],
    what: "helm vault (dev mode, generated root token, CSI provider); vault-0 replaced if on an old revision (OnDelete), then Ready (read through the API)",
  },
  { name: "postgres", deps: ["namespaces"], what: "apply Postgres; stream the bootstrap password in; wait Ready" },
  { name: "app-image-load", deps: ["kind-cluster", "app-image"], what: "kind load docker-image (no CNI needed)" },
  {
    name: "cluster-dns",
    deps: ["cilium", "postgres"],
    what: "CoreDNS rolled out; postgres.postgres.svc resolves to its Service IP inside postgres-0 (Vault verifies its DB connection by that name)",
  },
  {
    name: "configure-vault",
    deps: ["vault", "postgres", "cluster-dns"],
    what: "configure Vault through harness/vault (skipped when already configured)",
  },
  {
    name: "app",
    deps: ["configure-vault", "csi-driver", "app-image-load", "tetragon", "falco"],
    what: "apply SecretProviderClass, Deployment, Service; wait for the rollout; restart the app if Tetragon's agent scanned /proc after it started",
  },
  { name: "app-ready", deps: ["app"], what: "GET / through secure-test-app-svc until 200 with a v-… identity" },
];
