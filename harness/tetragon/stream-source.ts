import type { StreamSource } from "../attack/agent-stream.ts";
import type { TetragonCollectorOptions } from "./collector.ts";

/** The Tetragon collector's options for a source (its DaemonSet or a pod), keeping events of `watchNamespace`. */
export function tetragonOptions(kubeContext: string, watchNamespace: string, src: StreamSource): TetragonCollectorOptions {
  const agent = src.pod ? `pod/${src.pod}` : src.daemonSet ? `ds/${src.daemonSet}` : undefined;
  if (!agent) throw new Error(`the Tetragon stream is read from a DaemonSet or a pod, not selector ${src.selector ?? "?"}`);
  return { kubeContext, watchNamespace, agentNamespace: src.namespace, agent, container: src.container };
}
