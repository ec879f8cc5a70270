import type { ArtifactWriter } from "../../evidence/recorder.ts";
import type { BundleView } from "../registry.ts";
import { readRow } from "./evidence.ts";
import { PASSIVE_LAYOUT } from "./layout.ts";
import { type A1PassiveEvidence, PASSIVE_JUDGE, type PassiveControl } from "./passive.ts";

/** Writes a passive A1's evidence: the judge's name, the reader, the control described, the scan rows. */
export async function writeA1PassiveEvidence(w: Pick<ArtifactWriter, "write">, e: A1PassiveEvidence): Promise<string[]> {
  return Promise.all([
    w.write(PASSIVE_LAYOUT.passive, { judge: e.judge, source: e.source, control: e.control }),
    w.write(PASSIVE_LAYOUT.scan, e.allSecrets),
  ]);
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function str(o: Obj, k: string, where: string): string {
  const v = o[k];
  if (typeof v !== "string") throw new Error(`${where}: ${k} is missing or not a string`);
  return v;
}

function readControl(doc: unknown, where: string): PassiveControl {
  if (!isObj(doc)) throw new Error(`${where} is not a JSON object`);
  const c: PassiveControl = { key: str(doc, "key", where), namespace: str(doc, "namespace", where), name: str(doc, "name", where) };
  if (doc.row === undefined) return c;
  const out: PassiveControl = { ...c, row: readRow(doc.row, `${where}.row`) };
  if (typeof doc.headHex === "string") out.headHex = doc.headHex;
  if (typeof doc.undecoded === "string") out.undecoded = doc.undecoded;
  if (doc.object !== undefined) {
    if (!isObj(doc.object)) throw new Error(`${where}.object is not a JSON object`);
    const o = doc.object;
    const opt = (k: string) => (typeof o[k] === "string" ? { [k]: o[k] as string } : {});
    const w = `${where}.object`;
    out.object = { encoding: str(o, "encoding", w), apiVersion: str(o, "apiVersion", w), kind: str(o, "kind", w), ...opt("namespace"), ...opt("name") };
  }
  return out;
}

/** Reads back what writeA1PassiveEvidence wrote; throws naming the file and field that is wrong. */
export function readA1PassiveEvidence(view: BundleView): A1PassiveEvidence {
  const where = PASSIVE_LAYOUT.passive;
  const top = view.json<unknown>(where);
  if (!isObj(top)) throw new Error(`${where} is not a JSON object`);
  const judge = str(top, "judge", where);
  if (judge !== PASSIVE_JUDGE) throw new Error(`${where}: judge ${JSON.stringify(judge)} is not ${PASSIVE_JUDGE}`);
  const rows = view.json<unknown>(PASSIVE_LAYOUT.scan);
  if (!Array.isArray(rows)) throw new Error(`${PASSIVE_LAYOUT.scan} is not a JSON array`);
  return {
    judge: PASSIVE_JUDGE,
    source: str(top, "source", where),
    control: readControl(top.control, `${where} control`),
    allSecrets: rows.map((r, i) => readRow(r, `${PASSIVE_LAYOUT.scan}[${i}]`)),
    evidence: Object.values(PASSIVE_LAYOUT),
  };
}
