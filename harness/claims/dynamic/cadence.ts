import { identityRuns, judgeRemountCadence, type IdentityObservation, type RemountModel } from "../../app/rotation-cadence.ts";

/** One identity the app reported during the D2 window. */
export interface IdentitySighting {
  identity: string;
  /** The first look that reported it (harness clock). */
  firstSeen: string;
  /** The last look before the next identity appeared, or the window's last look. */
  lastSeen: string;
  /** lastSeen − firstSeen: the identity stayed mounted at least this long. */
  heldAtLeastMs: number;
}

/**
 * The CSI remount cadence D2 observed, recorded next to the evidence so an
 * auditor sees it: each identity's first and last sighting, the model's bound
 * (harness/app/rotation-cadence.ts remountModel) and the check's outcome.
 * The suite fails on `ok: false` before D2 is judged; verify does not re-judge it.
 */
export interface RemountCadenceEvidence {
  model: RemountModel;
  identities: IdentitySighting[];
  /** Identity changes seen. */
  changes: number;
  ok: boolean;
  message: string;
}

export function remountCadenceEvidence(samples: readonly IdentityObservation[], model: RemountModel): RemountCadenceEvidence {
  const verdict = judgeRemountCadence(samples, model);
  const identities = identityRuns(samples).map((r) => ({
    identity: r.identity,
    firstSeen: new Date(r.firstAt).toISOString(),
    lastSeen: new Date(r.endAt).toISOString(),
    heldAtLeastMs: r.endAt - r.firstAt,
  }));
  return { model, identities, changes: verdict.changes, ok: verdict.ok, message: verdict.message };
}
