import type { Provider } from "../../etcd/envelope.ts";
import { decodeObject } from "../../etcd/stored-object.ts";
import { verdict, type Verdict } from "../verdict.ts";
import type { Check } from "./judge.ts";
import { describeStoredValue, type StoredValueRow } from "./stored.ts";

/**
 * A1 without a canary or a key: what an audit can judge from etcd's raw bytes
 * alone. Every value under /registry/secrets/ must carry the envelope
 * `k8s:enc:<provider>:v<n>:<key>:` of a provider that encrypts (kubernetes
 * apiserver v0.35.7 pkg/server/options/encryptionconfig/config.go:61-65 names
 * them; the identity provider writes the object itself,
 * pkg/storage/value/encrypt/identity/identity.go:43-51). The negative control
 * is a ConfigMap read through the same reader, which must be plaintext: the
 * root CA publisher puts `kube-root-ca.crt` in every namespace (kubernetes
 * pkg/controller/certificates/rootcacertpublisher/publisher.go,
 * RootCACertConfigMapName and syncNamespace). Pure.
 */

/** Recorded in the evidence: `verify` re-judges a bundle with the judge it names. */
export const PASSIVE_JUDGE = "a1-passive";

/** The providers whose envelope means the value is encrypted. */
export const ENCRYPTING: readonly Provider[] = ["aescbc", "aesgcm", "secretbox", "kms-v1", "kms-v2"];

export const CONTROL = { namespace: "kube-system", name: "kube-root-ca.crt" } as const;

/** The control ConfigMap as the evidence keeps it: its description, and what its plaintext says it is; never its bytes. */
export interface PassiveControl {
  key: string;
  namespace: string;
  name: string;
  /** Absent when the key was not found. */
  row?: StoredValueRow;
  /** The value's first 8 bytes in hex: the protobuf magic `6b387300` for a plaintext object. */
  headHex?: string;
  /** What a plaintext value says it is. */
  object?: { encoding: string; apiVersion: string; kind: string; namespace?: string; name?: string };
  /** Why a plaintext-looking value did not decode. */
  undecoded?: string;
}

export interface A1PassiveEvidence {
  judge: typeof PASSIVE_JUDGE;
  /** The reader, e.g. "etcd gateway at https://10.0.0.10:2379". */
  source: string;
  control: PassiveControl;
  /** Every value under /registry/secrets/, described (never the bytes). */
  allSecrets: StoredValueRow[];
  evidence?: string[];
}

/** Describes the control ConfigMap's raw value for the evidence. */
export function describeControl(key: string, value: Buffer | undefined): PassiveControl {
  const c: PassiveControl = { key, ...CONTROL };
  if (!value) return c;
  const row = describeStoredValue(key, value);
  const headHex = value.subarray(0, 8).toString("hex");
  if (!row.format.startsWith("plaintext-")) return { ...c, row, headHex };
  const d = decodeObject(value);
  if (!d.ok) return { ...c, row, headHex, undecoded: d.reason };
  const { encoding, apiVersion, kind, namespace, name } = d.object;
  return { ...c, row, headHex, object: { encoding, apiVersion, kind, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) } };
}

const unsure = (r: string): Check => ({ verdict: "inconclusive", reasons: [r] });

/** The control is plaintext and is the ConfigMap asked for: the reader sees raw bytes. */
export function judgePassiveControl(c: PassiveControl, source: string): Check {
  if (!c.row) return unsure(`${c.key} not found through ${source}: the reader cannot show it reads this cluster's raw bytes (another etcd, or a kube-apiserver --etcd-prefix other than /registry)`);
  const r = c.row;
  if (r.format === "encrypted") return unsure(`${c.key} is encrypted too (${r.provider}): ConfigMaps are encrypted in this cluster, so no plaintext control shows the reader sees raw bytes`);
  if (r.format === "unrecognized") return unsure(`${c.key}: ${r.reason}`);
  const o = c.object;
  if (!o) return unsure(`${c.key} looks like plaintext ${r.format.slice("plaintext-".length)} but does not decode: ${c.undecoded ?? "no object recorded"}`);
  if (o.apiVersion !== "v1" || o.kind !== "ConfigMap" || o.namespace !== c.namespace || o.name !== c.name) {
    return unsure(`${c.key} holds ${o.apiVersion}/${o.kind} ${o.namespace ?? "?"}/${o.name ?? "?"}, not ConfigMap ${c.namespace}/${c.name}`);
  }
  return { verdict: "pass", reasons: [`${c.key} read through ${source} is plaintext ${o.encoding} v1/ConfigMap ${c.namespace}/${c.name} (${r.bytes} bytes, starts ${c.headHex ?? "?"}): the reader sees raw bytes`] };
}

const where = (r: StoredValueRow) => `${r.key} (${r.bytes} bytes, sha256 ${r.sha256.slice(0, 16)}…)`;

/** Every stored Secret carries an encrypting provider's envelope; plaintext fails naming each key. */
export function judgePassiveScan(all: readonly StoredValueRow[], source: string): Check {
  if (all.length === 0) return unsure(`no keys under /registry/secrets/ through ${source}: no Secret to judge (another etcd, or a kube-apiserver --etcd-prefix other than /registry)`);
  const plain = all.filter((r) => r.format.startsWith("plaintext-"));
  if (plain.length) {
    return { verdict: "fail", reasons: [`${plain.length} of ${all.length} values under /registry/secrets/ are stored in plaintext:`, ...plain.map((r) => `${where(r)}: plaintext ${r.format.slice("plaintext-".length)}`)] };
  }
  const odd = all.flatMap((r) => {
    if (r.format === "unrecognized") return [`${where(r)}: ${r.reason}`];
    if (r.format === "encrypted" && !(ENCRYPTING as readonly string[]).includes(r.provider)) return [`${where(r)}: envelope of provider ${r.provider}, which kube-apiserver does not write`];
    return [];
  });
  if (odd.length) return { verdict: "inconclusive", reasons: [`${odd.length} of ${all.length} values under /registry/secrets/ are neither plaintext nor an encrypting provider's envelope:`, ...odd] };
  const tally = new Map<string, number>();
  for (const r of all) if (r.format === "encrypted") tally.set(`${r.provider} key ${JSON.stringify(r.keyName)}`, (tally.get(`${r.provider} key ${JSON.stringify(r.keyName)}`) ?? 0) + 1);
  const by = [...tally].map(([k, n]) => `${n} under ${k}`).join(", ");
  return { verdict: "pass", reasons: [`all ${all.length} values under /registry/secrets/ read through ${source} carry an encrypting provider's k8s:enc: envelope: ${by}; without the key, that they decrypt is not shown`] };
}

/** A1 from a passive read: the scan decides, and a pass stands only when the plaintext control shows the reader sees raw bytes. */
export function judgeA1Passive(e: A1PassiveEvidence): Verdict {
  const scan = judgePassiveScan(e.allSecrets, e.source);
  const control = judgePassiveControl(e.control, e.source);
  const reasons = [...scan.reasons];
  let ok: boolean | "inconclusive" = scan.verdict === "pass" ? true : scan.verdict === "fail" ? false : "inconclusive";
  if (ok === true && control.verdict !== "pass") {
    ok = "inconclusive";
    reasons.push("the negative control did not show plaintext, so an encrypted reading proves nothing");
  }
  return verdict("A1", ok, reasons, e.evidence ?? [], { negativeControl: control });
}
