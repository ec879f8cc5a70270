import { remountFailureLead, type RemountFailure } from "../../app/csi-remount-log.ts";
import { identityRuns, judgeRemountCadence, type IdentityObservation, type RemountModel } from "../../app/rotation-cadence.ts";
import type { Unreadable } from "./types.ts";

/** One identity the app reported during the D2 window. */
export interface IdentitySighting {
  identity: string;
  /** The first look that reported it (harness clock). */
  firstSeen: string;
  /** The last look that reported it before the next identity appeared. */
  lastSeen: string;
  /** lastSeen − firstSeen: the identity stayed mounted at least this long. */
  heldAtLeastMs: number;
}

/**
 * How far apart the D2 looks came (start to start). The driver rotates one
 * mount at most once per rotationPollInterval, so a credential is mounted at
 * least that long: looks closer together than that see every credential, and
 * a gap wider than it may have missed one. The profile sets only the pause
 * between looks (dynamic.probeInterval); each look's own time adds to it.
 */
export interface LookSpacing {
  looks: number;
  /** Looks that got no identity from the app. */
  withoutIdentity: number;
  minMs?: number;
  medianMs?: number;
  maxMs?: number;
  /** csi.rotationPollInterval: the driver's least time between two rotations of the mount. */
  driverMinimumMs: number;
  /** Gaps between consecutive looks wider than driverMinimumMs. */
  gapsOverDriverMinimum: number;
}

/**
 * The CSI remount cadence D2 observed, recorded next to the evidence so an
 * auditor sees it: each identity's first and last sighting, the looks'
 * spacing, the model's bound (harness/app/rotation-cadence.ts remountModel),
 * the check's outcome and, when it failed, the remount failures the driver
 * logged. The suite fails on `ok: false` before D2 is judged; verify does
 * not re-judge it.
 */
export interface RemountCadenceEvidence {
  model: RemountModel;
  identities: IdentitySighting[];
  looks: LookSpacing;
  /** Identity changes seen. */
  changes: number;
  ok: boolean;
  message: string;
  /** Remount failures the CSI driver logged and masked during the window, when the suite read its log. */
  driverRemountFailures?: RemountFailure[] | Unreadable;
}

export function lookSpacing(samples: readonly IdentityObservation[], driverMinimumMs: number): LookSpacing {
  const times = samples.map((s) => Date.parse(s.at)).sort((a, b) => a - b);
  const gaps = times.slice(1).map((t, i) => t - (times[i] as number)).sort((a, b) => a - b);
  const withoutIdentity = samples.filter((s) => s.identity === undefined).length;
  const spread = gaps.length === 0 ? {} : { minMs: gaps[0], medianMs: gaps[Math.floor((gaps.length - 1) / 2)], maxMs: gaps.at(-1) };
  return { looks: samples.length, withoutIdentity, ...spread, driverMinimumMs, gapsOverDriverMinimum: gaps.filter((g) => g > driverMinimumMs).length };
}

export function remountCadenceEvidence(samples: readonly IdentityObservation[], model: RemountModel): RemountCadenceEvidence {
  const verdict = judgeRemountCadence(samples, model);
  const identities = identityRuns(samples).map((r) => ({
    identity: r.identity,
    firstSeen: new Date(r.firstAt).toISOString(),
    lastSeen: new Date(r.endAt).toISOString(),
    heldAtLeastMs: r.endAt - r.firstAt,
  }));
  const looks = lookSpacing(samples, model.rotationPollIntervalMs);
  return { model, identities, looks, changes: verdict.changes, ok: verdict.ok, message: verdict.message };
}

/**
 * Adds what the CSI driver logged: masked remount failures lead the message
 * (a failed republish otherwise looks like a slow kubelet); with none, the
 * message stays; an unreadable log is noted after it.
 */
export function withDriverLog(e: RemountCadenceEvidence, failures: RemountFailure[] | Unreadable): RemountCadenceEvidence {
  if (!Array.isArray(failures)) {
    return { ...e, driverRemountFailures: failures, message: `${e.message}; the CSI driver's log could not be read for remount failures (${failures.unreadable})` };
  }
  const lead = remountFailureLead(failures);
  return { ...e, driverRemountFailures: failures, message: lead ? `${lead}; ${e.message}` : e.message };
}
