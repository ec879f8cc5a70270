import { judgeD1 } from "./expiry.ts";
import { judgeD2 } from "./serving.ts";
import { judgeD3Expiry } from "./drop.ts";
import { judgeD3Revocation } from "./revoke.ts";
import { judgeD4 } from "./root.ts";
import { readDynamicEvidence, type DynamicEvidence } from "./evidence.ts";
import { ID, LAYOUT } from "./layout.ts";
import { judgeDynamicPassive } from "./passive.ts";
import { PASSIVE_LAYOUT, readDynamicPassiveEvidence } from "./passive-evidence.ts";
import type { ClaimFamily } from "../registry.ts";
import { verdict, type ClaimId, type Verdict } from "../verdict.ts";

const missing = (claim: ClaimId, path: string, subject?: string): Verdict =>
  verdict(claim, "inconclusive", [`no evidence recorded at ${path}`], [], subject ? { subject } : {});

/** Judges D1–D4 on recorded evidence. The suite and `secretproof verify` both call this. */
export function judgeDynamic(e: DynamicEvidence): Verdict[] {
  const P = LAYOUT;
  const out: Verdict[] = [];
  out.push(e.d1 ? judgeD1({ ...e.d1, params: e.params }, [P.d1]) : missing("D1", P.d1));
  out.push(e.appSamples && e.podSamples ? judgeD2(e.appSamples, e.podSamples, [P.appSamples, P.podSamples]) : missing("D2", P.appSamples));
  out.push(
    e.appSamples && e.pgRoles
      ? judgeD3Expiry(
          { samples: e.appSamples, snapshots: e.pgRoles, leases: e.leases ?? [], params: e.params, lingering: e.lingering },
          [P.appSamples, P.pgRoles, P.leases, ...(e.lingering ? [P.lingering] : [])],
        )
      : missing("D3", P.pgRoles, "ttl-expiry"),
  );
  out.push(e.revocation ? judgeD3Revocation(e.revocation, e.params.controlRole, [P.revocation]) : missing("D3", P.revocation, "explicit-revocation"));
  out.push(e.logins ? judgeD4(e.logins, [P.logins]) : missing("D4", P.logins));
  return out;
}

export const dynamicFamily: ClaimFamily = {
  id: ID,
  claims: ["D1", "D2", "D3", "D4"],
  rejudge(bundle) {
    // An audit's bundle (dynamic/passive.json names its judge) is re-judged by that judge; a suite's by judgeDynamic.
    if (bundle.has(PASSIVE_LAYOUT.passive)) {
      if (bundle.has(LAYOUT.params)) throw new Error(`the bundle holds both ${LAYOUT.params} (a suite's D claims) and ${PASSIVE_LAYOUT.passive} (an audit's): one D judgement a bundle`);
      return judgeDynamicPassive(readDynamicPassiveEvidence(bundle));
    }
    const e = readDynamicEvidence(bundle);
    if (!e) return (["D1", "D2", "D3", "D4"] as const).map((c) => missing(c, LAYOUT.params));
    return judgeDynamic(e);
  },
};
