import { ApiextensionsV1Api, AppsV1Api, CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { redactError, redactor } from "../evidence/redact.ts";
import { summarizePod, type PodSummary } from "./pod-summary.ts";

/**
 * Reads through the Kubernetes API (client-node), pinned to one kube context
 * from the default kubeconfig. Writes go through kubectl server-side apply
 * (harness/kube/kubectl.ts), which validates fields strictly.
 */
export interface KubeClient {
  readonly context: string;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  pods(namespace: string, labelSelector?: string): Promise<PodSummary[]>;
  /** The pod, or undefined when it does not exist. */
  pod(namespace: string, name: string): Promise<PodSummary | undefined>;
  nodes(): Promise<{ name: string; ready: boolean }[]>;
  crdEstablished(name: string): Promise<boolean>;
  /** Events of a namespace, oldest first, one line each. */
  events(namespace: string): Promise<string[]>;
}

function statusCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

export function connectKube(context: string): KubeClient {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  kc.setCurrentContext(context);
  const core = kc.makeApiClient(CoreV1Api);
  const apps = kc.makeApiClient(AppsV1Api);
  const ext = kc.makeApiClient(ApiextensionsV1Api);
  return {
    context,
    core,
    apps,
    async pods(namespace, labelSelector) {
      const list = await core.listNamespacedPod({ namespace, labelSelector });
      return list.items.map(summarizePod);
    },
    async pod(namespace, name) {
      try {
        return summarizePod(await core.readNamespacedPod({ namespace, name }));
      } catch (err) {
        if (statusCode(err) === 404) return undefined;
        throw new Error(`reading pod ${namespace}/${name} in context ${context} failed`, { cause: redactError(err, redactor) });
      }
    },
    async nodes() {
      const list = await core.listNode();
      return list.items.map((n) => ({
        name: n.metadata?.name ?? "?",
        ready: (n.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True"),
      }));
    },
    async crdEstablished(name) {
      try {
        const crd = await ext.readCustomResourceDefinition({ name });
        return (crd.status?.conditions ?? []).some((c) => c.type === "Established" && c.status === "True");
      } catch (err) {
        if (statusCode(err) === 404) return false;
        throw err;
      }
    },
    async events(namespace) {
      const list = await core.listNamespacedEvent({ namespace });
      const when = (e: (typeof list.items)[number]) => {
        const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp;
        return t ? new Date(t as unknown as string).toISOString() : "";
      };
      return list.items
        .sort((a, b) => when(a).localeCompare(when(b)))
        .map((e) => `${when(e)} ${e.type ?? ""} ${e.reason ?? ""} ${e.involvedObject.kind ?? ""}/${e.involvedObject.name ?? ""}: ${e.message ?? ""}`);
    },
  };
}
