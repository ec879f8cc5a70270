import { APP, NS } from "../cluster/names.ts";
import { toMs } from "../core/duration.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { portForward } from "../kube/port-forward.ts";
import type { Profile } from "../profile.ts";
import { observeWindow, sampleApp } from "./samples.ts";

/**
 * The DB identities the app reports through its Service over one CSI rotation
 * poll: the current one, and the next one if a rotation lands in the window.
 * These are the needles the A2 scan looks for.
 */
export async function collectAppIdentities(kube: Kubectl, profile: Profile): Promise<string[]> {
  const cmd = toMs(profile.waits.command);
  await using pf = await portForward(kube.context, NS.app, `svc/${APP.service}`, APP.servicePort, cmd);
  const seen = new Set<string>();
  await observeWindow(
    "the app's DB identities",
    async () => {
      const s = await sampleApp(pf.url, { timeoutMs: cmd });
      if (s.status === 200 && s.identity) seen.add(s.identity);
    },
    {
      windowMs: toMs(profile.csi.rotationPollInterval),
      intervalMs: toMs(profile.dynamic.probeInterval),
      slackMs: cmd,
    },
  );
  return [...seen];
}
