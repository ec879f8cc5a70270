import { createHash } from "node:crypto";
import { decrypt } from "../etcd/decrypt.ts";
import { classify, decodeObject, type Provider } from "../etcd/envelope.ts";
import { secretSpellings } from "../evidence/redact.ts";
import { verdict, worst, type Verdict, type VerdictValue } from "./verdict.ts";

/** A1: Secrets are ciphertext in etcd. Pure: raw etcd bytes in, verdict out. */

export interface StoredCanary {
  /** etcd key, e.g. /registry/secrets/<ns>/<name>. */
  key: string;
  namespace: string;
  name: string;
  /** Raw etcd value; undefined when the key was not found. */
  value?: Buffer;
}

export interface ExpectedEncryption {
  provider: Provider;
  keyName: string;
  /** The configured key; without it decryption cannot be shown and the verdict is inconclusive. */
  key?: Buffer;
}

export interface A1Evidence {
  /** The random marker written into both canaries (ASCII). */
  canary: string;
  secret: StoredCanary;
  /** Negative control: a ConfigMap with the same canary, which is not encrypted. */
  configMap: StoredCanary;
  expected: ExpectedEncryption;
  /** Every key and value under /registry/secrets/ at scan time. */
  allSecrets: { key: string; value: Buffer }[];
  /** Bundle paths of the artifacts this verdict reads. */
  evidence?: string[];
}

export interface Check {
  verdict: VerdictValue;
  reasons: string[];
}

const pass = (r: string): Check => ({ verdict: "pass", reasons: [r] });
const fail = (r: string): Check => ({ verdict: "fail", reasons: [r] });
const unsure = (r: string): Check => ({ verdict: "inconclusive", reasons: [r] });

/** Where the canary occurs in `bytes`, in any spelling a store could use (raw, base64, hex, escaped). */
export function findCanary(bytes: Buffer, canary: string): number {
  const text = bytes.toString("latin1");
  for (const s of secretSpellings(Buffer.from(canary, "utf8"))) {
    const at = text.indexOf(s);
    if (at >= 0) return at;
  }
  return -1;
}

function head(value: Buffer): string {
  return JSON.stringify(value.subarray(0, 24).toString("latin1"));
}

/** Decrypted bytes must be the expected object and hold the canary. */
function judgeDecrypted(plaintext: Buffer, c: StoredCanary, canary: string): Check {
  const d = decodeObject(plaintext);
  if (!d.ok) return fail(`${c.key}: decrypts to bytes that are not a Kubernetes object (${d.reason})`);
  const o = d.object;
  const who = `${o.apiVersion}/${o.kind} ${o.namespace ?? "?"}/${o.name ?? "?"}`;
  if (o.apiVersion !== "v1" || o.kind !== "Secret" || o.name !== c.name || o.namespace !== c.namespace) {
    return fail(`${c.key}: decrypts to ${who}, expected v1/Secret ${c.namespace}/${c.name}`);
  }
  if (findCanary(o.raw, canary) < 0) return fail(`${c.key}: decrypts to ${who} (${o.encoding}) but the canary is not in it`);
  return pass(`${c.key}: decrypts with the configured key to ${who} (${o.encoding}) holding the canary`);
}

/** The canary Secret: ciphertext under the expected provider and key, canary absent, decrypts to the canary. */
export function judgeEncryptedCanary(c: StoredCanary, canary: string, expected: ExpectedEncryption): Check {
  if (!c.value) return unsure(`${c.key} not found in etcd: the probe reads another etcd, or the Secret was not stored`);
  const cls = classify(c.value);
  if (cls.kind === "plaintext") return fail(`${c.key} is stored as plaintext ${cls.encoding} (starts ${head(c.value)})`);
  if (cls.kind === "unrecognized") return unsure(`${c.key}: ${cls.reason}`);
  const want = `${expected.provider} key "${expected.keyName}"`;
  if (cls.provider !== expected.provider || cls.keyName !== expected.keyName) {
    return fail(`${c.key} is encrypted by ${cls.provider} key "${cls.keyName}", expected ${want}`);
  }
  const at = findCanary(c.value, canary);
  if (at >= 0) return fail(`${c.key} carries prefix ${cls.prefix} but the canary appears in the stored bytes at offset ${at}`);
  const enc = `${c.key} is ciphertext under ${want} (${c.value.length} bytes, prefix ${cls.prefix}); canary absent`;
  if (!expected.key) return unsure(`${enc}; no key was supplied, so decryption to the canary is unproven`);
  const d = decrypt(cls, expected.key, c.key);
  if (d.status === "malformed") return unsure(`${enc}; but the payload is malformed: ${d.reason}`);
  if (d.status === "unsupported") return unsure(`${enc}; ${d.reason}`);
  if (d.status === "rejected") return fail(`${c.key} does not decrypt under the configured ${want}: ${d.reason}`);
  const r = judgeDecrypted(d.plaintext, c, canary);
  return { verdict: r.verdict, reasons: [enc, ...r.reasons] };
}

/** Negative control: the ConfigMap canary IS plaintext, and the probe finds the canary in it. */
export function judgePlaintextControl(c: StoredCanary, canary: string): Check {
  if (!c.value) return unsure(`${c.key} not found in etcd: the probe cannot show it sees this cluster's data`);
  const cls = classify(c.value);
  if (cls.kind === "encrypted") return unsure(`${c.key} is encrypted too (${cls.prefix}): the control cannot show plaintext`);
  if (cls.kind === "unrecognized") return unsure(`${c.key}: ${cls.reason}`);
  const d = decodeObject(c.value);
  if (!d.ok) return unsure(`${c.key}: ${d.reason}`);
  const o = d.object;
  if (o.apiVersion !== "v1" || o.kind !== "ConfigMap" || o.name !== c.name || o.namespace !== c.namespace) {
    return unsure(`${c.key} holds ${o.apiVersion}/${o.kind} ${o.namespace ?? "?"}/${o.name ?? "?"}, not the control ConfigMap`);
  }
  const at = findCanary(c.value, canary);
  if (at < 0) return unsure(`${c.key} is plaintext ${o.encoding} but the canary is not in it`);
  return pass(`${c.key} is plaintext ${o.encoding} v1/ConfigMap and the canary is found at byte ${at}: the probe sees plaintext`);
}

/** Every stored Secret is ciphertext under the expected provider and key. */
export function judgeSecretsScan(all: A1Evidence["allSecrets"], expected: ExpectedEncryption, mustInclude: string): Check {
  if (all.length === 0) return unsure("no keys under /registry/secrets/: the scan saw nothing");
  if (!all.some((kv) => kv.key === mustInclude)) return unsure(`the scan of ${all.length} keys does not include ${mustInclude}`);
  const bad: string[] = [];
  for (const kv of all) {
    const c = classify(kv.value);
    if (c.kind === "plaintext") bad.push(`${kv.key}: plaintext ${c.encoding}`);
    else if (c.kind === "unrecognized") bad.push(`${kv.key}: ${c.reason}`);
    else if (c.provider !== expected.provider || c.keyName !== expected.keyName) bad.push(`${kv.key}: ${c.prefix}`);
  }
  const want = `${expected.provider} key "${expected.keyName}"`;
  if (bad.length === 0) return pass(`all ${all.length} values under /registry/secrets/ are encrypted with ${want}`);
  const shown = bad.slice(0, 20).concat(bad.length > 20 ? [`… and ${bad.length - 20} more`] : []);
  return { verdict: "fail", reasons: [`${bad.length} of ${all.length} stored Secrets are not encrypted with ${want}:`, ...shown] };
}

export function judgeA1(e: A1Evidence): Verdict {
  const canary = judgeEncryptedCanary(e.secret, e.canary, e.expected);
  const scan = judgeSecretsScan(e.allSecrets, e.expected, e.secret.key);
  const control = judgePlaintextControl(e.configMap, e.canary);
  const main = worst([canary.verdict, scan.verdict]);
  const reasons = [...canary.reasons, ...scan.reasons];
  let ok: boolean | "inconclusive" = main === "pass" ? true : main === "fail" ? false : "inconclusive";
  if (ok === true && control.verdict !== "pass") {
    ok = "inconclusive";
    reasons.push("the negative control did not show plaintext, so an encrypted reading proves nothing");
  }
  return verdict("A1", ok, reasons, e.evidence ?? [], { negativeControl: control });
}

/** One line per stored value for the evidence bundle: never the bytes themselves. */
export function describeStoredValue(key: string, value: Buffer): Record<string, string | number> {
  const c = classify(value);
  const sha256 = createHash("sha256").update(value).digest("hex");
  const base = { key, bytes: value.length, sha256 };
  if (c.kind === "encrypted") return { ...base, format: "encrypted", provider: c.provider, keyName: c.keyName };
  if (c.kind === "plaintext") return { ...base, format: `plaintext-${c.encoding}` };
  return { ...base, format: "unrecognized", reason: c.reason };
}
