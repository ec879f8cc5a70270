import { APP, NS } from "../../clusters/names.ts";
import { formatMs } from "../../clusters/duration.ts";

/**
 * After each pod sync the kubelet requeues the pod for its next periodic sync
 * at wait.Jitter(syncFrequency, workerResyncIntervalJitterFactor), factor 0.5:
 * kubernetes/kubernetes pkg/kubelet/pod_workers.go, (*podWorkers).completeWork
 * (read in openshift/kubernetes@1b7b7ff; the stored snapshots hold no v1.35 tag of
 * kubernetes/kubernetes). wait.Jitter(d, f) lies in [d, d + f·d)
 * (kubernetes/apimachinery v0.35.7 pkg/util/wait/wait.go:92). The 75–83 s measured
 * between republishes with the 1m default (openshift/enhancements#2012) fits.
 */
export const KUBELET_RESYNC_JITTER_FACTOR = 0.5;

/** The kubelet's sync loop collects due pod workers once a second (pkg/kubelet/kubelet.go syncLoop, syncTicker). */
export const KUBELET_SYNC_TICK_MS = 1_000;

/** "26 s", "1.5 s", or "3m41s" past a minute. */
export function secs(ms: number): string {
  return ms < 60_000 ? `${Number((ms / 1000).toFixed(1))} s` : formatMs(ms);
}

export interface RemountInputs {
  /** kubelet syncFrequency: the base period of pod resyncs, each of which republishes the CSI volume. */
  syncFrequencyMs: number;
  /** Driver --rotation-poll-interval: since v1.6.0 only the least time between two rotations of one mount. */
  rotationPollIntervalMs: number;
  /** Longest one NodePublishVolume takes (provider login, credential issue, atomic write). */
  publishMs: number;
}

export interface RemountModel extends RemountInputs {
  /** Longest between two periodic syncs of one pod. */
  maxResyncMs: number;
  /** Longest between two writes of the mount. */
  maxGapMs: number;
  /** Longest a credential stays mounted, from Vault issuing it to the next one replacing it. */
  maxHeldMs: number;
  /** How maxGapMs is made, for messages. */
  basis: string;
}

/**
 * The real remount period since secrets-store-csi-driver v1.6.0. The chart
 * sets `requiresRepublish: {{ .Values.enableSecretRotation }}` on the
 * CSIDriver (charts/secrets-store-csi-driver/templates/csidriver.yaml:13 at
 * v1.6.0; PRs #1622, #1968), so the kubelet re-sends NodePublishVolume on
 * every pod sync (SyncPod calls the volume manager's ReprocessPod, whose
 * populator marks the pod's volumes remount-required:
 * pkg/kubelet/volumemanager/populator/desired_state_of_world_populator.go
 * processPodVolumes); the driver skips the call when less than
 * rotationPollInterval has passed since the mount's mtime, i.e. its last
 * rotation (pkg/secrets-store/nodeserver.go:129-137, utils.go:79). A skipped
 * sync (an event-driven one, or a periodic one landing early) still resets the
 * resync timer, so the next write can come up to one poll interval plus one
 * jittered resync after the last, plus the time the publish itself takes.
 */
export function remountModel(i: RemountInputs): RemountModel {
  const maxResyncMs = i.syncFrequencyMs * (1 + KUBELET_RESYNC_JITTER_FACTOR) + KUBELET_SYNC_TICK_MS;
  const maxGapMs = i.rotationPollIntervalMs + maxResyncMs + i.publishMs;
  const basis =
    `rotationPollInterval ${secs(i.rotationPollIntervalMs)} + kubelet syncFrequency ${secs(i.syncFrequencyMs)}` +
    ` with up to ${KUBELET_RESYNC_JITTER_FACTOR * 100}% resync jitter + ${secs(KUBELET_SYNC_TICK_MS)} sync tick` +
    ` + ${secs(i.publishMs)} to publish`;
  return { ...i, maxResyncMs, maxGapMs, maxHeldMs: maxGapMs + i.publishMs, basis };
}

const GO_UNIT_MS: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1_000, ms: 1, us: 1e-3, "µs": 1e-3, ns: 1e-6 };

/** Milliseconds of a Go duration string as metav1.Duration prints it ("10s", "1m0s", "1h0m0s"), or undefined. */
export function parseGoDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|us|µs|ns|h|m|s)/g)];
  if (parts.length === 0 || parts.map((m) => m[0]).join("") !== text) return undefined;
  return parts.reduce((sum, m) => sum + Number(m[1]) * (GO_UNIT_MS[m[2] as string] as number), 0);
}

/**
 * Checks the kubelet's running configuration, as its /configz endpoint
 * (through the API server's node proxy) prints it: `{"kubeletconfig": {...}}`
 * in kubelet.config.k8s.io/v1beta1 field names (kubernetes/kubernetes
 * cmd/kubelet/app/server.go initConfigz). A kind cluster keeps the kubelet
 * config it was created with, so a reused cluster can predate the patch.
 */
export function kubeletSyncProblem(configzText: string, node: string, expectedMs: number): string | undefined {
  let freq: unknown;
  try {
    freq = (JSON.parse(configzText) as { kubeletconfig?: { syncFrequency?: unknown } }).kubeletconfig?.syncFrequency;
  } catch {
    return `the kubelet on ${node} answered /configz with no JSON: ${configzText.slice(0, 120)}`;
  }
  const got = typeof freq === "string" ? parseGoDuration(freq) : undefined;
  if (got === undefined) return `the kubelet on ${node} reports no readable syncFrequency in /configz (${JSON.stringify(freq)})`;
  if (got === expectedMs) return undefined;
  return (
    `the kubelet on ${node} runs with syncFrequency ${String(freq)}; the profile expects ${secs(expectedMs)} (the kind config's ` +
    `KubeletConfiguration patch). A reused kind cluster keeps the kubelet config it was created with: delete it and run again`
  );
}

/** One look at which credential the app is using (an AppSample fits). */
export interface IdentityObservation {
  /** When the look started (ISO 8601). */
  at: string;
  /** The database identity seen, absent when the app did not answer with one. */
  identity?: string;
}

export interface CadenceVerdict {
  /** False only when a credential was seen mounted longer than the model allows. */
  ok: boolean;
  /** For each credential seen, a lower bound of how long it stayed mounted (ms), in order. */
  heldAtLeastMs: number[];
  /** Identity changes seen. */
  changes: number;
  /** Looks that got no identity (an error answer, or none): the cadence across them is unobserved. */
  unidentifiedLooks: number;
  message: string;
}

export interface Run {
  identity: string;
  firstAt: number;
  /** The last look that reported this identity before the next identity first appeared. */
  endAt: number;
}

const timeOf = (s: IdentityObservation): number => {
  const at = Date.parse(s.at);
  if (Number.isNaN(at)) throw new Error(`observation time ${JSON.stringify(s.at)} is not ISO 8601`);
  return at;
};

/**
 * Each identity seen, in order, from its first look to the last look that
 * reported it before the next identity appeared. A look with no identity
 * extends no run: nobody saw which credential was mounted then.
 */
export function identityRuns(samples: readonly IdentityObservation[]): Run[] {
  const runs: Run[] = [];
  for (const s of samples) {
    const at = timeOf(s);
    if (s.identity === undefined) continue;
    const current = runs.at(-1);
    if (current && s.identity === current.identity) current.endAt = at;
    else runs.push({ identity: s.identity, firstAt: at, endAt: at });
  }
  return runs;
}

/** "; 6 of 9 looks (…) got no identity …", or "" when every look got one. */
function unidentifiedNote(samples: readonly IdentityObservation[]): { count: number; note: string } {
  const blind = samples.filter((s) => s.identity === undefined);
  if (blind.length === 0) return { count: 0, note: "" };
  const span = blind.length === 1 ? `at ${blind[0]?.at}` : `${blind[0]?.at} .. ${blind.at(-1)?.at}`;
  return {
    count: blind.length,
    note: `; ${blind.length} of ${samples.length} looks (${span}) got no identity from the app, so the mount is unobserved across them: D2 judges those answers`,
  };
}

/**
 * Decides from the app's answers whether the CSI mount is remounted as often
 * as the profile's model says. A credential reported at t1 and again at t2,
 * with no other one seen between, stayed mounted at least t2 - t1: when that
 * exceeds the model's longest gap, the kubelet (or the driver) is slower than
 * the profile assumes and the app would hold a revoked credential, so the run
 * fails here, by name, before any claim is judged. Looks that got no identity
 * prove nothing about the mount; they are counted and left to D2.
 */
export function judgeRemountCadence(samples: readonly IdentityObservation[], model: RemountModel): CadenceVerdict {
  const runs = identityRuns(samples);
  const blind = unidentifiedNote(samples);
  const expects = `the profile expects <= ${secs(model.maxGapMs)} (${model.basis})`;
  const base = { unidentifiedLooks: blind.count };
  if (runs.length === 0) {
    return { ...base, ok: true, heldAtLeastMs: [], changes: 0, message: `no CSI remount observed: ${expects}${blind.note}` };
  }
  const held = runs.map((r) => r.endAt - r.firstAt);
  const worst = held.indexOf(Math.max(...held));
  const w = runs[worst] as Run;
  const changes = runs.length - 1;
  if ((held[worst] as number) > model.maxGapMs) {
    const how = worst < changes ? "rotated after" : "had not rotated after";
    const when = `${new Date(w.firstAt).toISOString()} .. ${new Date(w.endAt).toISOString()}`;
    return { ...base, ok: false, heldAtLeastMs: held, changes, message: `the CSI mount ${how} at least ${secs(held[worst] as number)} (one identity, ${when}); ${expects}${blind.note}` };
  }
  const message = `${changes} CSI remounts seen, each credential held at most ${secs(Math.max(...held))} as far as seen; ${expects}${blind.note}`;
  return { ...base, ok: true, heldAtLeastMs: held, changes, message };
}

/**
 * With `vaultAddress` in the SecretProviderClass, vault-csi-provider logs in
 * once per pod and keeps that token until Vault answers 403 (v1.7.4
 * internal/client/client.go:83-162; clients cached per pod,
 * internal/clientcache/cache_key.go). When the token's TTL ends Vault revokes
 * every lease issued under it (hashicorp/vault vault/expiration.go
 * RevokeByToken, leases indexed by their token in Register), the app's current
 * credential among them. Returns the problem when that falls inside the run.
 */
export function providerTokenProblem(podStartedAt: string | undefined, nowMs: number, authTokenTtlMs: number, runLeftMs: number): string | undefined {
  const started = podStartedAt === undefined ? Number.NaN : Date.parse(podStartedAt);
  if (Number.isNaN(started)) return `the app pod reports no start time (${JSON.stringify(podStartedAt)}), so the age of the CSI provider's Vault token is unknown`;
  const age = Math.max(0, nowMs - started);
  if (age + runLeftMs < authTokenTtlMs) return undefined;
  return (
    `the app pod started ${formatMs(age)} ago and this run may last ${formatMs(runLeftMs)} more, past the ${formatMs(authTokenTtlMs)} TTL of the Vault token ` +
    `vault-csi-provider logged in with at the pod's first mount and never renews; when it ends Vault revokes every credential issued under it and the app ` +
    `holds a revoked one until the next remount. Recreate the app pod (kubectl -n ${NS.app} rollout restart deployment/${APP.deployment}) and run again`
  );
}
