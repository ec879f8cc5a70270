import { APP, NS } from "../../clusters/names.ts";
import { toMs } from "../../clusters/duration.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { portForward } from "../kube/port-forward.ts";
import { remountModelOf, type Profile } from "../profile.ts";
import { observeWindow, sampleApp } from "./samples.ts";

/**
 * How long A2 watches the app for its DB identities: the longest gap between
 * two writes of the CSI mount the profile's remount model allows (kubelet
 * resync, driver minimum and publish time: harness/app/rotation-cadence.ts),
 * so the window sees the current credential and, if the remount cadence
 * holds, the next one.
 */
export function identityWindowMs(profile: Pick<Profile, "csi">): number {
  return remountModelOf(profile).maxGapMs;
}

/**
 * The DB identities the app reports through its Service over one remount
 * gap: the current one, and the next one if a rotation lands in the window.
 * These are the needles the A2 scan looks for. A port-forward that dies
 * fails the collection naming kubectl's exit, not as a missing identity.
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
    { windowMs: identityWindowMs(profile), intervalMs: toMs(profile.dynamic.probeInterval), slackMs: cmd },
  );
  pf.assertAlive();
  return [...seen];
}
