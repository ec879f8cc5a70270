import type { V1Pod } from "@kubernetes/client-node";
import type { Kubectl } from "../../../kube/kubectl.ts";
import { APP, TETRAGON } from "../../../../clusters/names.ts";
import { procScanDoneAt, type AppStart } from "../judges/tetragon-scan.ts";

/** The app container's start in each live app pod (terminating pods left out). */
export function appStarts(pods: readonly V1Pod[]): AppStart[] {
  return pods
    .filter((p) => !p.metadata?.deletionTimestamp)
    .map((p) => {
      const started = p.status?.containerStatuses?.find((c) => c.name === APP.container)?.state?.running?.startedAt;
      return { pod: p.metadata?.name ?? "?", ...(started ? { startedAt: new Date(started as unknown as string).toISOString() } : {}) };
    });
}

/** When the running Tetragon agent finished its /proc scan, from its log (undefined until it has). */
export async function tetragonProcScanDoneAt(k: Kubectl): Promise<string | undefined> {
  const r = await k.run(["-n", TETRAGON.namespace, "logs", `ds/${TETRAGON.daemonSet}`, "-c", TETRAGON.container, "--timestamps"]);
  return procScanDoneAt(r.stdout);
}
