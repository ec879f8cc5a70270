import type { A1Evidence } from "./judge.ts";
import { describeStoredValue, sha256Hex, type RowDecryption, type ScanKey, type StoredCanary, type StoredValueRow } from "./stored.ts";
import type { BundleView } from "../registry.ts";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import type { Decryption } from "../../etcd/decrypt.ts";
import type { Provider } from "../../etcd/envelope.ts";
import { LAYOUT } from "./layout.ts";

function decryptedRecord(d: Decryption): object {
  if (d.status !== "ok") return { status: d.status, reason: d.reason };
  return { status: "ok", bytes: d.plaintext.length, sha256: sha256Hex(d.plaintext), base64: d.plaintext.toString("base64") };
}

function stored(c: StoredCanary, expected: ScanKey): object {
  if (!c.value) return { key: c.key, namespace: c.namespace, name: c.name, found: false };
  return {
    ...describeStoredValue(c.key, c.value, expected),
    namespace: c.namespace,
    name: c.name,
    found: true,
    base64: c.value.toString("base64"),
    hexHead: c.value.subarray(0, 64).toString("hex"),
    ...(c.decrypted ? { decrypted: decryptedRecord(c.decrypted) } : {}),
  };
}

/**
 * Writes what A1 was judged on: the canary marker, the two canaries' raw etcd
 * bytes (base64, plus a hex head), what the canary Secret decrypted to under
 * the configured key (the canary is a random test value, not a credential),
 * and one description line per stored Secret (format, provider, key name,
 * length, sha256 — never the bytes, since a plaintext Secret there would be a
 * live credential). The encryption key is not written; register it with the
 * redactor before any of this runs.
 */
export async function writeA1Evidence(rec: ArtifactWriter, e: A1Evidence): Promise<string[]> {
  const { provider, keyName } = e.expected;
  return Promise.all([
    rec.write(LAYOUT.canary, { canary: e.canary, expected: { provider, keyName } }),
    rec.write(LAYOUT.secret, stored(e.secret, { provider, keyName })),
    rec.write(LAYOUT.configMap, stored(e.configMap, { provider, keyName })),
    rec.write(LAYOUT.scan, e.allSecrets),
  ]);
}

type Obj = Record<string, unknown>;
const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
const PROVIDERS: readonly string[] = ["aescbc", "aesgcm", "secretbox", "kms-v1", "kms-v2"];

/** Typed access to one recorded JSON object; every error names the file and field. */
function fields(doc: unknown, where: string) {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error(`${where} is not a JSON object`);
  const o = doc as Obj;
  const bad = (k: string, what: string) => new Error(`${where}: ${k} is missing or not ${what}`);
  const str = (k: string): string => {
    const v = o[k];
    if (typeof v !== "string") throw bad(k, "a string");
    return v;
  };
  return {
    o,
    str,
    num: (k: string): number => {
      const v = o[k];
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) throw bad(k, "a byte count");
      return v;
    },
    b64: (k: string): Buffer => {
      const v = str(k);
      if (v.length % 4 !== 0 || !B64.test(v)) throw bad(k, "standard base64");
      return Buffer.from(v, "base64");
    },
  };
}

function readDecrypted(doc: unknown, where: string): Decryption {
  const f = fields(doc, where);
  const status = f.str("status");
  if (status === "malformed" || status === "rejected" || status === "unsupported") return { status, reason: f.str("reason") };
  if (status !== "ok") throw new Error(`${where}: status ${JSON.stringify(status)} is not ok, malformed, rejected or unsupported`);
  const plaintext = f.b64("base64");
  if (sha256Hex(plaintext) !== f.str("sha256")) throw new Error(`${where}: sha256 does not match its base64 bytes`);
  return { status, plaintext };
}

function readStored(view: BundleView, path: string): StoredCanary {
  const f = fields(view.json(path), path);
  const c: StoredCanary = { key: f.str("key"), namespace: f.str("namespace"), name: f.str("name") };
  if (f.o.found === false) return c;
  if (f.o.found !== true) throw new Error(`${path}: found is missing or not a boolean`);
  const value = f.b64("base64");
  if (sha256Hex(value) !== f.str("sha256")) throw new Error(`${path}: sha256 does not match its base64 bytes`);
  const decrypted = f.o.decrypted === undefined ? undefined : readDecrypted(f.o.decrypted, `${path} decrypted`);
  return { ...c, value, ...(decrypted ? { decrypted } : {}) };
}

const PLAINTEXT = ["plaintext-protobuf", "plaintext-json", "plaintext-yaml"] as const;
const ROW_DECRYPTIONS: readonly string[] = ["ok", "malformed", "rejected"];

function readEncryptedRow(f: ReturnType<typeof fields>, where: string) {
  const row = { format: "encrypted" as const, provider: f.str("provider"), keyName: f.str("keyName") };
  if (f.o.decryption === undefined) return row;
  const d = f.str("decryption");
  if (!ROW_DECRYPTIONS.includes(d)) throw new Error(`${where}: decryption ${JSON.stringify(d)} is not ok, malformed or rejected`);
  return { ...row, decryption: d as RowDecryption };
}

/** One scan row read back from the bundle; throws naming the field that is wrong. */
export function readRow(doc: unknown, where: string): StoredValueRow {
  const f = fields(doc, where);
  const base = { key: f.str("key"), bytes: f.num("bytes"), sha256: f.str("sha256") };
  const format = f.str("format");
  if (format === "encrypted") return { ...base, ...readEncryptedRow(f, where) };
  if (format === "unrecognized") return { ...base, format, reason: f.str("reason") };
  const plain = PLAINTEXT.find((p) => p === format);
  if (plain) return { ...base, format: plain };
  throw new Error(`${where}: format ${JSON.stringify(format)} is not encrypted, ${PLAINTEXT.join(", ")} or unrecognized`);
}

/** Reads back what `writeA1Evidence` wrote, for judging offline; throws naming the file and field that is wrong. */
export function readA1Evidence(view: BundleView): A1Evidence {
  const top = fields(view.json(LAYOUT.canary), LAYOUT.canary);
  const exp = fields(top.o.expected, `${LAYOUT.canary} expected`);
  const provider = exp.str("provider");
  if (!PROVIDERS.includes(provider)) throw new Error(`${LAYOUT.canary}: expected provider ${JSON.stringify(provider)} is unknown`);
  const rows = view.json<unknown>(LAYOUT.scan);
  if (!Array.isArray(rows)) throw new Error(`${LAYOUT.scan} is not a JSON array`);
  return {
    canary: top.str("canary"),
    expected: { provider: provider as Provider, keyName: exp.str("keyName") },
    secret: readStored(view, LAYOUT.secret),
    configMap: readStored(view, LAYOUT.configMap),
    allSecrets: rows.map((r, i) => readRow(r, `${LAYOUT.scan}[${i}]`)),
    evidence: Object.values(LAYOUT),
  };
}
