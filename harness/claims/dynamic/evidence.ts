import type { ArtifactWriter } from "../../evidence/recorder.ts";
import { jsonl, type BundleView } from "../registry.ts";
import type { RemountCadenceEvidence } from "./cadence.ts";
import type { D1Input } from "./expiry.ts";
import { LAYOUT } from "./layout.ts";
import type { D4Input } from "./root.ts";
import type { AppSample, DynamicParams, LeaseRecord, LingeringEvidence, PgRolesSnapshot, PodSample, RevocationTrial } from "./types.ts";

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

/** The parts recorded one observation a line, as they come. */
type Lines = "appSamples" | "podSamples" | "pgRoles" | "leases";
type Line<K extends Lines> = NonNullable<DynamicEvidence[K]>[number];

/** Adds one observation to the evidence and appends it to its file at once, so a run cut short keeps it. */
export async function recordLine<K extends Lines>(w: Pick<ArtifactWriter, "appendLine">, ev: DynamicEvidence, key: K, item: Line<K>): Promise<Line<K>> {
  ((ev[key] ??= []) as Line<K>[]).push(item);
  await w.appendLine(LAYOUT[key], JSON.stringify(item));
  return item;
}

/** Sets one part of the evidence and writes it to its file. */
export function recordPart<K extends Exclude<keyof DynamicEvidence, Lines>>(
  w: Pick<ArtifactWriter, "write">,
  ev: DynamicEvidence,
  key: K,
  value: NonNullable<DynamicEvidence[K]>,
): Promise<string> {
  ev[key] = value;
  return w.write(LAYOUT[key], value);
}

/** Reads the dynamic suite's evidence back from a bundle. */
export function readDynamicEvidence(b: BundleView): DynamicEvidence | undefined {
  const P = LAYOUT;
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
