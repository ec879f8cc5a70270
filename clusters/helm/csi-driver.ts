import type { Duration } from "../duration.ts";

/**
 * The Secrets Store CSI driver with rotation on and Secret sync off: the
 * credential lives only in the pod's tmpfs, never in a Kubernetes Secret.
 *
 * Since v1.6.0 `enableSecretRotation` also sets `requiresRepublish` on the
 * CSIDriver (charts/secrets-store-csi-driver/templates/csidriver.yaml:13,
 * PRs #1622 and #1968): the kubelet republishes the volume on every pod
 * resync (its syncFrequency, set in the kind config), and
 * `rotationPollInterval` is only the least time between two rotations of one
 * mount (pkg/secrets-store/nodeserver.go:129-137). The profile's remount model
 * (harness/profile.ts remountModelOf) combines the two.
 */
export function csiDriverValues(profile: { csi: { rotationPollInterval: Duration } }): Record<string, unknown> {
  return {
    syncSecret: { enabled: false },
    enableSecretRotation: true,
    rotationPollInterval: profile.csi.rotationPollInterval,
  };
}
