import type { Profile } from "../../harness/profile.ts";

/**
 * The Secrets Store CSI driver with rotation on (poll interval from the
 * profile) and Secret sync off: the credential lives only in the pod's tmpfs,
 * never in a Kubernetes Secret.
 */
export function csiDriverValues(profile: Pick<Profile, "csi">): Record<string, unknown> {
  return {
    syncSecret: { enabled: false },
    enableSecretRotation: true,
    rotationPollInterval: profile.csi.rotationPollInterval,
  };
}
