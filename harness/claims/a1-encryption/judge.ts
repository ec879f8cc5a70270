import { decrypt, type Decryption } from "../../etcd/decrypt.ts";
import { classify, type Encrypted, type Provider } from "../../etcd/envelope.ts";
import { decodeObject } from "../../etcd/stored-object.ts";
import { secretSpellings } from "../../evidence/redact.ts";
import { ambiguityHint, otherKeyOpening, readUnderExpected, wanted, type ConfiguredKey } from "./keys.ts";
import { describeDecryption, type StoredCanary, type StoredValueRow } from "./stored.ts";
import { verdict, worst, type Verdict, type VerdictValue } from "../verdict.ts";

/** A1: Secrets are ciphertext in etcd. Pure: raw etcd bytes in, verdict out. */

export { describeStoredValue, type StoredCanary, type StoredValueRow } from "./stored.ts";

export interface ExpectedEncryption {
  provider: Provider;
  keyName: string;
  /**
   * The configured key. Given, the canary is decrypted with it (and must agree
   * with a recorded decryption); absent, the canary's recorded decryption is
   * judged; with neither, the verdict is inconclusive.
   */
  key?: Buffer;
  /**
   * The keys of a supplied EncryptionConfiguration, in configuration order:
   * they name the key of a value that is not under the expected one (a name
   * may hold ":", so the bytes alone cannot say where it ends).
   */
  configuredKeys?: readonly ConfiguredKey[];
}

export interface A1Evidence {
  /** The random marker written into both canaries (ASCII). */
  canary: string;
  secret: StoredCanary;
  /** Negative control: a ConfigMap with the same canary, which is not encrypted. */
  configMap: StoredCanary;
  expected: ExpectedEncryption;
  /** Every value under /registry/secrets/ at scan time, as `describeStoredValue` describes it. */
  allSecrets: StoredValueRow[];
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
function findCanary(bytes: Buffer, canary: string): number {
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
function judgeDecrypted(plaintext: Buffer, c: StoredCanary, canary: string, how: string): Check {
  const d = decodeObject(plaintext);
  if (!d.ok) return fail(`${c.key}: decrypts to bytes that are not a Kubernetes object (${d.reason})`);
  const o = d.object;
  const who = `${o.apiVersion}/${o.kind} ${o.namespace ?? "?"}/${o.name ?? "?"}`;
  if (o.apiVersion !== "v1" || o.kind !== "Secret" || o.name !== c.name || o.namespace !== c.namespace) {
    return fail(`${c.key}: decrypts to ${who}, expected v1/Secret ${c.namespace}/${c.name}`);
  }
  if (findCanary(o.raw, canary) < 0) return fail(`${c.key}: decrypts to ${who} (${o.encoding}) but the canary is not in it`);
  return pass(`${c.key}: decrypts ${how} to ${who} (${o.encoding}) holding the canary`);
}

/**
 * The decryption to judge: with a key, decrypt now (it must agree with any
 * recorded decryption, else a string says how they differ); without one, the
 * decryption recorded at collection time.
 */
function decryption(cls: Encrypted, c: StoredCanary, key?: Buffer): { d: Decryption; how: string } | string | undefined {
  if (!key) return c.decrypted && { d: c.decrypted, how: "under the configured key when collected (recorded; the key is not)" };
  const d = decrypt(cls, key, c.key);
  const r = c.decrypted;
  if (r && (r.status !== d.status || (r.status === "ok" && d.status === "ok" && !r.plaintext.equals(d.plaintext)))) {
    return `${c.key}: the recorded decryption (${describeDecryption(r)}) is not what the ciphertext decrypts to under the supplied key (${describeDecryption(d)})`;
  }
  return { d, how: "with the configured key" };
}

/** The canary Secret: ciphertext under the expected provider and key, canary absent, decrypts to the canary. */
export function judgeEncryptedCanary(c: StoredCanary, canary: string, expected: ExpectedEncryption): Check {
  if (!c.value) return unsure(`${c.key} not found in etcd: the probe reads another etcd, or the Secret was not stored`);
  const cls = classify(c.value);
  const at = findCanary(c.value, canary);
  if (cls.kind === "plaintext") return fail(`${c.key} is stored as plaintext ${cls.encoding} (starts ${head(c.value)})`);
  if (cls.kind === "unrecognized") {
    // whatever the bytes are, a canary readable in etcd is a Secret stored in clear
    if (at >= 0) return fail(`${c.key}: ${cls.reason}; the canary is in the stored bytes at offset ${at}`);
    return unsure(`${c.key}: ${cls.reason}`);
  }
  const mine = readUnderExpected(cls, expected);
  if (typeof mine === "string") return fail(`${c.key} ${mine}`);
  const want = wanted(expected);
  if (at >= 0) return fail(`${c.key} carries prefix ${JSON.stringify(mine.prefix)} but the canary appears in the stored bytes at offset ${at}`);
  const enc = `${c.key} is ciphertext under ${want} (${c.value.length} bytes, prefix ${JSON.stringify(mine.prefix)}); canary absent`;
  const got = decryption(mine, c, expected.key);
  if (!got) return unsure(`${enc}; no key was supplied and no decryption was recorded, so decryption to the canary is unproven`);
  if (typeof got === "string") return { verdict: "fail", reasons: [enc, got] };
  const { d, how } = got;
  if (d.status === "unsupported") return unsure(`${enc}; ${d.reason}`);
  const other = d.status === "ok" ? undefined : otherKeyOpening(cls, expected, c.key);
  if (other) return fail(`${c.key} does not open under ${want} (${d.status}) but under configured key ${JSON.stringify(other)}, whose prefix it carries too`);
  if (d.status === "malformed") return unsure(`${enc}; but the payload under that name is malformed: ${d.reason}${ambiguityHint(expected)}`);
  if (d.status === "rejected") return fail(`${c.key} does not decrypt under the configured ${want}: ${d.reason}`);
  const r = judgeDecrypted(d.plaintext, c, canary, how);
  return { verdict: r.verdict, reasons: [enc, ...r.reasons] };
}

/** Negative control: the ConfigMap canary IS plaintext, and the probe finds the canary in it. */
export function judgePlaintextControl(c: StoredCanary, canary: string): Check {
  if (!c.value) return unsure(`${c.key} not found in etcd: the probe cannot show it sees this cluster's data`);
  const cls = classify(c.value);
  if (cls.kind === "encrypted") return unsure(`${c.key} is encrypted too (${JSON.stringify(cls.prefix)}): the control cannot show plaintext`);
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

/** Why one scan row is not a Secret encrypted under the expected key, or undefined when it is. */
function rowProblem(r: StoredValueRow, expected: ExpectedEncryption): string | undefined {
  if (r.format === "unrecognized") return `${r.key}: ${r.reason}`;
  if (r.format !== "encrypted") return `${r.key}: plaintext ${r.format.slice("plaintext-".length)}`;
  if (r.provider !== expected.provider || r.keyName !== expected.keyName) {
    const read = r.provider === "kms-v2" ? "" : ` (read up to the first ":")`;
    return `${r.key}: ${r.provider} key ${JSON.stringify(r.keyName)}${read}`;
  }
  if (r.decryption && r.decryption !== "ok") return `${r.key}: carries the ${wanted(expected)} prefix but does not decrypt under that key (${r.decryption})`;
  return undefined;
}

/**
 * Every stored Secret is ciphertext under the expected provider and key,
 * judged on each value's description: its prefix (the apiserver's own test,
 * transformer.go:110) and, where the key was at hand during collection, the
 * outcome of decrypting it.
 */
export function judgeSecretsScan(all: readonly StoredValueRow[], expected: ExpectedEncryption, mustInclude: string): Check {
  if (all.length === 0) return unsure("no keys under /registry/secrets/: the scan saw nothing");
  if (!all.some((r) => r.key === mustInclude)) return unsure(`the scan of ${all.length} keys does not include ${mustInclude}`);
  const bad = all.map((r) => rowProblem(r, expected)).filter((p): p is string => p !== undefined);
  const want = wanted(expected);
  if (bad.length === 0) {
    const opened = all.filter((r) => r.format === "encrypted" && r.decryption === "ok").length;
    const how = opened === all.length ? "each decrypts under it" : `${opened} of them decrypted under it, the rest are judged by prefix`;
    return pass(`all ${all.length} values under /registry/secrets/ are encrypted with ${want}; ${how}`);
  }
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
