import type { RemountCadenceEvidence } from "./cadence.ts";
import { judgeD1, type D1Input } from "./expiry.ts";
import { judgeD2 } from "./serving.ts";
import { judgeD3Expiry } from "./drop.ts";
import { judgeD3Revocation } from "./revoke.ts";
import { judgeD4, type D4Input } from "./root.ts";
import type { AppSample, DynamicParams, LeaseRecord, LingeringEvidence, PgRolesSnapshot, PodSample, RevocationTrial } from "./types.ts";
import type { BundleView, ClaimFamily } from "../registry.ts";
import { verdict, type ClaimId, type Verdict } from "../verdict.ts";

/** Where the dynamic suite records its evidence inside a run directory. */
export const DYNAMIC_PATHS = {
  params: "dynamic/params.json",
  /** Every app sample, one JSON object a line (D2, D3). */
  appSamples: "dynamic/app-samples.jsonl",
  /** Every pod sample, one a line (D2). */
  podSamples: "dynamic/pod-samples.jsonl",
  /** Every pg_roles snapshot taken during and after the observation window (D3). */
  pgRoles: "dynamic/pg-roles.jsonl",
  /** Every lease lookup (D3 reads Vault's clock from them). */
  leases: "dynamic/leases.jsonl",
  /** The CSI remount cadence seen in the D2 window and the model's bound; recorded, not re-judged. */
  remountCadence: "dynamic/remount-cadence.json",
  /** The sample, snapshot and lease lookups D1 judged, together. */
  d1: "dynamic/d1.json",
  revocation: "dynamic/d3-revocation.json",
  /** Written only when app identities outlast the D3 drop wait: what Vault says about their leases. */
  lingering: "dynamic/d3-lingering.json",
  logins: "dynamic/d4-logins.json",
} as const;

/** Everything the dynamic claims are judged on; a part may be missing when its step failed. */
export interface DynamicEvidence {
  params: DynamicParams;
  appSamples?: AppSample[];
  podSamples?: PodSample[];
  pgRoles?: PgRolesSnapshot[];
  leases?: LeaseRecord[];
  d1?: Omit<D1Input, "params">;
  revocation?: RevocationTrial;
  logins?: D4Input;
  lingering?: LingeringEvidence;
  remountCadence?: RemountCadenceEvidence;
}

const missing = (claim: ClaimId, path: string, subject?: string): Verdict =>
  verdict(claim, "inconclusive", [`no evidence recorded at ${path}`], [], subject ? { subject } : {});

/** Judges D1–D4 on recorded evidence. The suite and `secretproof verify` both call this. */
export function judgeDynamic(e: DynamicEvidence): Verdict[] {
  const P = DYNAMIC_PATHS;
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

function jsonl<T>(text: string): T[] {
  return text
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as T);
}

/** Reads the dynamic suite's evidence back from a bundle. */
export function readDynamicEvidence(b: BundleView): DynamicEvidence | undefined {
  const P = DYNAMIC_PATHS;
  if (!b.has(P.params)) return undefined;
  const opt = <T>(path: string, read: (p: string) => T): T | undefined => (b.has(path) ? read(path) : undefined);
  return {
    params: b.json<DynamicParams>(P.params),
    appSamples: opt(P.appSamples, (p) => jsonl<AppSample>(b.text(p))),
    podSamples: opt(P.podSamples, (p) => jsonl<PodSample>(b.text(p))),
    pgRoles: opt(P.pgRoles, (p) => jsonl<PgRolesSnapshot>(b.text(p))),
    leases: opt(P.leases, (p) => jsonl<LeaseRecord>(b.text(p))),
    d1: opt(P.d1, (p) => b.json<Omit<D1Input, "params">>(p)),
    revocation: opt(P.revocation, (p) => b.json<RevocationTrial>(p)),
    logins: opt(P.logins, (p) => b.json<D4Input>(p)),
    lingering: opt(P.lingering, (p) => b.json<LingeringEvidence>(p)),
    remountCadence: opt(P.remountCadence, (p) => b.json<RemountCadenceEvidence>(p)),
  };
}

export const dynamicFamily: ClaimFamily = {
  id: "dynamic",
  claims: ["D1", "D2", "D3", "D4"],
  rejudge(bundle) {
    const e = readDynamicEvidence(bundle);
    if (!e) return (["D1", "D2", "D3", "D4"] as const).map((c) => missing(c, DYNAMIC_PATHS.params));
    return judgeDynamic(e);
  },
};
