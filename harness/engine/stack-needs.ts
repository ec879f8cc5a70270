import { renderAppDeployment } from "../../fixtures/manifests/app-deployment.ts";
import { renderPostgresStatefulSet } from "../../fixtures/manifests/postgres.ts";

const MI = 1024 * 1024;

/** One container's resources as its chart or manifest sets them; undefined where it sets none. */
export interface ContainerResources {
  what: string;
  count: number;
  cpuRequestMilli?: number;
  memRequestMi?: number;
  memLimitMi?: number;
  source: string;
}

/**
 * The stack's containers with what their pinned charts and our manifests set.
 * Cilium 1.20.0, the Tetragon agent, Vault and the Vault CSI provider set no
 * requests or limits (tetragon v1.7.0 install/kubernetes/tetragon/values.yaml:45
 * `resources: {}`; vault-helm v0.34.1 values.yaml:270, :439, :1209, :1287
 * `resources: {}`; Cilium's chart values are not summed here): their use comes
 * on top of the figures below and only a run's recorded peak measures it.
 */
export const CHART_CONTAINERS: readonly ContainerResources[] = [
  { what: "Falco", count: 1, cpuRequestMilli: 100, memRequestMi: 512, memLimitMi: 1024, source: "falcosecurity/charts falco-9.1.0 charts/falco/values.yaml:87-99" },
  { what: "Tetragon operator", count: 1, cpuRequestMilli: 10, memRequestMi: 64, memLimitMi: 128, source: "cilium/tetragon v1.7.0 install/kubernetes/tetragon/values.yaml:290-296" },
  { what: "Secrets Store CSI driver (driver, registrar, liveness probe)", count: 1, cpuRequestMilli: 70, memRequestMi: 140, memLimitMi: 400, source: "kubernetes-sigs/secrets-store-csi-driver v1.6.0 charts/secrets-store-csi-driver/values.yaml:38-75" },
  { what: "CoreDNS", count: 2, cpuRequestMilli: 100, memRequestMi: 70, memLimitMi: 170, source: "kubeadm's CoreDNS Deployment (cmd/kubeadm/app/phases/addons/dns), 2 replicas" },
  { what: "kube-apiserver, kube-controller-manager, kube-scheduler", count: 1, cpuRequestMilli: 550, source: "kubeadm static Pods (cmd/kubeadm/app/phases/controlplane/manifests.go ComponentResources 250m, 200m, 100m)" },
  { what: "etcd", count: 1, cpuRequestMilli: 100, memRequestMi: 100, source: "kubeadm's etcd static Pod (cmd/kubeadm/app/phases/etcd/local.go)" },
];

function parseQuantity(q: string | number | undefined, unit: "milli" | "Mi"): number | undefined {
  if (q === undefined) return undefined;
  const s = String(q);
  const m = /^(\d+(?:\.\d+)?)(m|Mi|Gi)?$/.exec(s);
  if (!m) throw new Error(`cannot read the resource quantity ${JSON.stringify(s)}`);
  const n = Number(m[1]);
  if (unit === "milli") return m[2] === "m" ? n : n * 1000;
  return m[2] === "Gi" ? n * 1024 : m[2] === "Mi" ? n : n / MI;
}

type Resources = { requests?: Record<string, string | number>; limits?: Record<string, string | number> } | undefined;

function fromManifest(what: string, resources: Resources, source: string): ContainerResources {
  const cpu = parseQuantity(resources?.requests?.cpu, "milli");
  const req = parseQuantity(resources?.requests?.memory, "Mi");
  const lim = parseQuantity(resources?.limits?.memory, "Mi");
  return { what, count: 1, source, ...(cpu === undefined ? {} : { cpuRequestMilli: cpu }), ...(req === undefined ? {} : { memRequestMi: req }), ...(lim === undefined ? {} : { memLimitMi: lim }) };
}

/** The app and Postgres, read from the manifests `up` applies. */
export function manifestContainers(): ContainerResources[] {
  const app = renderAppDeployment("app").spec?.template.spec?.containers[0]?.resources as Resources;
  const pg = renderPostgresStatefulSet("postgres").spec?.template.spec?.containers[0]?.resources as Resources;
  return [fromManifest("the app", app, "fixtures/manifests/app-deployment.ts"), fromManifest("Postgres", pg, "fixtures/manifests/postgres.ts")];
}

export interface StackNeed {
  /** Sum of CPU requests, rounded up to whole CPUs: below it the scheduler leaves Pods Pending. */
  cpus: number;
  cpuRequestMilli: number;
  /** Sum of memory limits (requests where no limit is set): what the capped containers may take. */
  memoryBytes: number;
  source: string;
}

/** Sums the stack's requests and limits; pure, so a unit test checks the arithmetic. */
export function stackNeed(containers: readonly ContainerResources[]): StackNeed {
  let cpu = 0;
  let mem = 0;
  for (const c of containers) {
    cpu += (c.cpuRequestMilli ?? 0) * c.count;
    mem += (c.memLimitMi ?? c.memRequestMi ?? 0) * c.count;
  }
  return {
    cpus: Math.ceil(cpu / 1000),
    cpuRequestMilli: cpu,
    memoryBytes: mem * MI,
    source: `the sum of the stack's CPU requests (${cpu}m) and memory limits (${mem} MiB) in the pinned charts and manifests (docs/platforms.md); Cilium, the Tetragon agent and Vault set none and come on top`,
  };
}

/** The need preflight checks: measured peak memory when a run recorded one, else the sum above. */
export function preflightNeed(measuredPeakBytes?: number, measuredIn?: string): StackNeed {
  const summed = stackNeed([...CHART_CONTAINERS, ...manifestContainers()]);
  if (measuredPeakBytes === undefined || measuredPeakBytes <= summed.memoryBytes) return summed;
  return { ...summed, memoryBytes: measuredPeakBytes, source: `the kind node's peak memory recorded in ${measuredIn ?? "an earlier run"}` };
}
