import { gunzipSync } from "node:zlib";
import { redactionMarker, secretSpellings } from "../../evidence/redact.ts";

/**
 * Searches Kubernetes objects for needles (live credentials, canaries).
 * Input is what `kubectl get secrets,configmaps -A -o json` and
 * `kubectl get pods -A -o json` print: a List whose items are Secrets (data
 * values base64), ConfigMaps (data strings, binaryData base64) and Pods.
 * Output names objects, fields and needles by label and hash: never a value.
 */

/** What a needle is: one of the app's DB usernames, or the live DB password mounted for it. */
export type NeedleKind = "db-username" | "db-password";

export interface Needle {
  label: string;
  value: string;
  kind?: NeedleKind;
}

export interface ObjectRef {
  kind: string;
  namespace: string;
  name: string;
}

export interface NeedleHit {
  object: ObjectRef;
  /** Field path, e.g. `data.password` or `spec.containers[app].env[DB_USER]`. */
  where: string;
  needle: { label: string; marker: string };
}

/** One scanned object as the evidence bundle shows it: names and key names only. */
export interface InventoryRow extends ObjectRef {
  type?: string;
  labels: Record<string, string>;
  keys: string[];
  fieldsScanned: number;
}

interface Field {
  where: string;
  bytes: Buffer;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const strMap = (v: unknown): Record<string, string> =>
  isObj(v) ? Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string")) : {};
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The items of a Kubernetes List; throws when the document is not one. */
export function listItems(doc: unknown, what: string): Obj[] {
  if (!isObj(doc) || !Array.isArray(doc.items)) throw new Error(`${what} is not a Kubernetes List (no items array)`);
  return doc.items.filter(isObj);
}

function refOf(item: Obj): ObjectRef {
  const meta = isObj(item.metadata) ? item.metadata : {};
  const s = (v: unknown) => (typeof v === "string" ? v : "");
  return { kind: s(item.kind), namespace: s(meta.namespace), name: s(meta.name) };
}

/** Helm stores a release as Secret data `release` = base64(gzip(JSON)); decompressed, bounded. */
function helmRelease(decoded: Buffer): Buffer | undefined {
  try {
    const inner = Buffer.from(decoded.toString("latin1"), "base64");
    const gz = inner[0] === 0x1f && inner[1] === 0x8b;
    return gz ? gunzipSync(inner, { maxOutputLength: 32 << 20 }) : inner;
  } catch {
    return undefined;
  }
}

function secretFields(item: Obj): Field[] {
  const out: Field[] = [];
  for (const [k, v] of Object.entries(strMap(item.data))) {
    const bytes = Buffer.from(v, "base64");
    out.push({ where: `data.${k}`, bytes });
    if (item.type === "helm.sh/release.v1" && k === "release") {
      const rel = helmRelease(bytes);
      if (rel) out.push({ where: `data.${k} (helm release, decompressed)`, bytes: rel });
    }
  }
  for (const [k, v] of Object.entries(strMap(item.stringData))) out.push({ where: `stringData.${k}`, bytes: Buffer.from(v) });
  return out;
}

function configMapFields(item: Obj): Field[] {
  const out = Object.entries(strMap(item.data)).map(([k, v]) => ({ where: `data.${k}`, bytes: Buffer.from(v) }));
  for (const [k, v] of Object.entries(strMap(item.binaryData))) out.push({ where: `binaryData.${k}`, bytes: Buffer.from(v, "base64") });
  return out;
}

function podFields(item: Obj): Field[] {
  const spec = isObj(item.spec) ? item.spec : {};
  const out: Field[] = [];
  for (const group of ["initContainers", "containers", "ephemeralContainers"]) {
    for (const c of arr(spec[group]).filter(isObj)) {
      const at = `spec.${group}[${String(c.name)}]`;
      for (const e of arr(c.env).filter(isObj)) {
        if (typeof e.value === "string") out.push({ where: `${at}.env[${String(e.name)}]`, bytes: Buffer.from(e.value) });
      }
      const argv = [...arr(c.command), ...arr(c.args)].filter((a): a is string => typeof a === "string");
      if (argv.length > 0) out.push({ where: `${at}.command+args`, bytes: Buffer.from(argv.join("\0")) });
    }
  }
  return out;
}

function metaFields(item: Obj): Field[] {
  const meta = isObj(item.metadata) ? item.metadata : {};
  const out: Field[] = [];
  for (const part of ["annotations", "labels"]) {
    for (const [k, v] of Object.entries(strMap(meta[part]))) out.push({ where: `metadata.${part}[${k}]`, bytes: Buffer.from(v) });
  }
  return out;
}

/** Every text-bearing field of an object, decoded the way a reader of the object would see it. */
function fieldsOf(item: Obj): Field[] {
  const kind = refOf(item).kind;
  const own = kind === "Secret" ? secretFields(item) : kind === "ConfigMap" ? configMapFields(item) : kind === "Pod" ? podFields(item) : [];
  return [...metaFields(item), ...own];
}

interface Compiled {
  label: string;
  marker: string;
  spellings: string[];
}

export function compileNeedles(needles: Needle[]): Compiled[] {
  return needles.map((n) => ({
    label: n.label,
    marker: redactionMarker(n.value),
    spellings: secretSpellings(Buffer.from(n.value, "utf8")),
  }));
}

/** Scans items; returns needle hits and an inventory row per item. */
export function scanItems(items: Obj[], needles: Compiled[]): { hits: NeedleHit[]; inventory: InventoryRow[] } {
  const hits: NeedleHit[] = [];
  const inventory: InventoryRow[] = [];
  for (const item of items) {
    const object = refOf(item);
    const fields = fieldsOf(item);
    for (const f of fields) {
      const text = f.bytes.toString("latin1");
      for (const n of needles) {
        if (n.spellings.some((s) => text.includes(Buffer.from(s, "utf8").toString("latin1")))) {
          hits.push({ object, where: f.where, needle: { label: n.label, marker: n.marker } });
        }
      }
    }
    const meta = isObj(item.metadata) ? item.metadata : {};
    const keys = [...Object.keys(strMap(item.data)), ...Object.keys(strMap(item.binaryData))];
    const type = typeof item.type === "string" ? { type: item.type } : {};
    inventory.push({ ...object, ...type, labels: strMap(meta.labels), keys, fieldsScanned: fields.length });
  }
  return { hits, inventory };
}
