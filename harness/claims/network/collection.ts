import { type Duration, formatMs, toMs } from "../../../clusters/duration.ts";
import { recordProbe } from "../../core/record-probe.ts";
import type { ProbeResult } from "../../core/wait.ts";
import type { Profile } from "../../profile.ts";
import { ID } from "./layout.ts";

/** The name N1's collection carries in run.json's suites, and what the detection and network suites' timings depend on. */
export const NETWORK_COLLECTION = "network collection";

/**
 * How N1's collection in the background ended, written after its evidence
 * (LAYOUT's files), so a suite that sees it reads complete evidence. Not
 * re-judged: the verdict comes from the evidence alone.
 */
export const COLLECTION_RECORD = `${ID}/collection.json`;

export interface CollectionRecord {
  startedAt: string;
  durationMs: number;
  /** Why the collection did not record N1's evidence (an upstream check, a command, its deadline); absent when it did. */
  error?: string;
}

/**
 * One look at collection.json as a wait's probe: a file not written yet, or
 * caught half-written (a plain writeFile truncates, then writes), is "not
 * yet"; only a whole record ends the wait.
 */
export function collectionProbe(text: string | undefined): ProbeResult<CollectionRecord> {
  return recordProbe(text, "a collection record", (r) => typeof r.startedAt === "string" && typeof r.durationMs === "number" && (r.error === undefined || typeof r.error === "string"));
}

/**
 * How long a suite waits for the collection to end, from its own start
 * (always after the collection's): the collection's deadline
 * (waits.networkCollection), at which it starts no further command, plus one
 * waits.command for the command then under way to end.
 */
export function networkWaitMs(p: Pick<Profile, "waits" | "name">): number {
  return toMs(p.waits.networkCollection) + toMs(p.waits.command);
}

const d = (x: Duration) => formatMs(toMs(x));

/** Why a suite gives up waiting: what it waited for, where, how long and from what in the profile. */
export function notEndedMessage(p: Pick<Profile, "waits" | "name">, runDir: string, why: string): string {
  return (
    `N1's collection, started by the global setup at the end of bring-up, did not write ${COLLECTION_RECORD} in ${runDir} within ${formatMs(networkWaitMs(p))} ` +
    `(the ${p.name} profile's waits.networkCollection ${d(p.waits.networkCollection)} + waits.command ${d(p.waits.command)}): ${why}`
  );
}

/** Why the detection suite waits: N1's python3 in the app pod raises a Falco alert. */
export const DETECTION_WAITS_FOR =
  "the detection suite opens no attack session while N1's attempt may still run in the app pod, since its python3 raises a Falco alert that would land in the detection windows";

/** The collection's failure, as the network suite reports it. */
export function collectionProblem(r: CollectionRecord): string | undefined {
  return r.error === undefined ? undefined : `N1's collection (${formatMs(r.durationMs)} from ${r.startedAt}) recorded no evidence: ${r.error}`;
}
