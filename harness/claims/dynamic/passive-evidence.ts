import type { ArtifactWriter } from "../../evidence/recorder.ts";
import type { BundleView } from "../registry.ts";
import { ID } from "./layout.ts";
import { type DynamicPassiveEvidence, PASSIVE_JUDGE, type PassiveObservation } from "./passive.ts";

/** Where a passive D judgement names its judge and the audit's files it read. */
export const PASSIVE_LAYOUT = { passive: `${ID}/passive.json` } as const;

/** dynamic/passive.json: the judge and the bundle paths of the observation and the findings it judged. */
interface PassiveRecord {
  judge: string;
  observation: string;
  findings?: string;
}

/** Writes dynamic/passive.json naming the judge and the files (already written) it reads; returns every path judged. */
export async function writeDynamicPassiveEvidence(w: Pick<ArtifactWriter, "write">, paths: { observation: string; findings: string }): Promise<string[]> {
  const rec: PassiveRecord = { judge: PASSIVE_JUDGE, ...paths };
  return [await w.write(PASSIVE_LAYOUT.passive, rec), paths.observation, paths.findings];
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function observation(doc: unknown, where: string): PassiveObservation {
  if (!isObj(doc)) throw new Error(`${where} is not a JSON object`);
  const { role, leases, pgRoles, params } = doc;
  if (!isObj(role) || typeof role.path !== "string" || typeof role.defaultTtlSec !== "number") throw new Error(`${where}: role.path or role.defaultTtlSec is missing`);
  if (!isObj(leases) || !Array.isArray(leases.start) || !Array.isArray(leases.end)) throw new Error(`${where}: leases.start or leases.end is not an array`);
  if (!isObj(pgRoles) || !isObj(pgRoles.end) || !Array.isArray(pgRoles.end.rows) || typeof pgRoles.end.pgNow !== "string") throw new Error(`${where}: pgRoles.end has no rows or pgNow`);
  if (!isObj(params) || typeof params.expiryToleranceMs !== "number" || typeof params.dropGraceMs !== "number") throw new Error(`${where}: params.expiryToleranceMs or params.dropGraceMs is missing`);
  return doc as unknown as PassiveObservation;
}

/** Reads back what the audit wrote for a passive D judgement; throws naming the file and field that is wrong. */
export function readDynamicPassiveEvidence(view: BundleView): DynamicPassiveEvidence {
  const where = PASSIVE_LAYOUT.passive;
  const top = view.json<unknown>(where);
  if (!isObj(top)) throw new Error(`${where} is not a JSON object`);
  if (top.judge !== PASSIVE_JUDGE) throw new Error(`${where}: judge ${JSON.stringify(top.judge)} is not ${PASSIVE_JUDGE}`);
  if (typeof top.observation !== "string") throw new Error(`${where}: observation is missing or not a string`);
  const obs = observation(view.json<unknown>(top.observation), top.observation);
  const findings = typeof top.findings === "string" && view.has(top.findings) ? view.json<unknown>(top.findings) : undefined;
  const d2 = isObj(findings) && typeof findings.D2 === "string" ? findings.D2 : undefined;
  return {
    judge: PASSIVE_JUDGE,
    observation: obs,
    ...(d2 ? { d2Finding: d2 } : {}),
    evidence: [where, top.observation, ...(typeof top.findings === "string" ? [top.findings] : [])],
  };
}
