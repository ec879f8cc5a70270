import { readStoredYaml } from "./stored-yaml.ts";

/**
 * How kube-apiserver lays out a value in etcd (kubernetes/apiserver v0.35.7,
 * i.e. Kubernetes v1.35; unchanged on release-1.35):
 * - identity: the serialized object itself. The identity transformer returns
 *   any value that does not start with `k8s:enc:` (pkg/storage/value/encrypt/identity/identity.go:43-51);
 *   it is protobuf (`k8s\x00` + runtime.Unknown), JSON (`{`) or YAML, by
 *   --storage-media-type (pkg/server/options/etcd.go:91-95).
 * - encrypted: `k8s:enc:<provider>:<version>:` (pkg/server/options/encryptionconfig/config.go:61-65),
 *   then `<keyName>:` (config.go:657 for AES, :709 secretbox, :882 KMS v1, :803 KMS v2), then
 *   the provider's payload (aescbc: 16-byte IV + AES-CBC/PKCS#7; aesgcm:
 *   12-byte nonce + ciphertext + 16-byte tag; secretbox: 24-byte nonce + box;
 *   kms v2: a protobuf EncryptedObject).
 * A key name is any non-empty string (apis/apiserver/validation/validation_encryption.go:335,
 * config.go:628): spaces and ":" included; only KMS v2 provider names exclude ":"
 * (validation_encryption.go:433-436). Reading a value, the apiserver tries every
 * configured key whose `<name>:` prefixes it, in configuration order, and moves
 * on when one fails to decrypt (pkg/storage/value/transformer.go:105-168), so
 * with keys "a" and "a:b" a value under "a:b" matches both. The bytes alone
 * cannot say where a name holding ":" ends: `keyName` is the reading up to the
 * first ":", and `underKey` / `keyNamesMatching` test the configured names.
 */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const ENCRYPTED_MAGIC = "k8s:enc:";

export type Provider = "aescbc" | "aesgcm" | "secretbox" | "kms-v1" | "kms-v2";
export type PlaintextEncoding = "protobuf" | "json" | "yaml";

const KNOWN: Record<string, Provider> = {
  "aescbc:v1": "aescbc",
  "aesgcm:v1": "aesgcm",
  "secretbox:v1": "secretbox",
  "kms:v1": "kms-v1",
  "kms:v2": "kms-v2",
};

export interface Encrypted {
  kind: "encrypted";
  /** A known provider, or `other:<name>:<version>` for a prefix this code does not know. */
  provider: Provider | `other:${string}`;
  /** `k8s:enc:<provider>:<version>:`. */
  providerPrefix: string;
  /** Everything after the provider prefix: `<keyName>:` then the payload. */
  keyed: Buffer;
  /** The key name read up to the first ":"; exact unless the configured name itself holds ":". */
  keyName: string;
  /** The whole header for that reading, e.g. `k8s:enc:aescbc:v1:key1:`. */
  prefix: string;
  payload: Buffer;
}

export type Classification = { kind: "plaintext"; encoding: PlaintextEncoding } | Encrypted | { kind: "unrecognized"; reason: string };

const PROVIDER_HEADER = /^k8s:enc:([A-Za-z0-9-]+):(v[0-9]+):/;
const COLON = 0x3a;
/** Leading whitespace the JSON recogniser skips (apimachinery v0.35.7 pkg/util/yaml/decoder.go:474-485). */
const JSON_START = /^[ \t\n\v\f\r]*\{/;

/** The value read as written under key `name`: the part after `<providerPrefix><name>:`. */
function split(providerPrefix: string, keyed: Buffer, nameBytes: Buffer): Pick<Encrypted, "keyName" | "prefix" | "payload"> {
  const keyName = nameBytes.toString("utf8");
  return { keyName, prefix: `${providerPrefix}${keyName}:`, payload: keyed.subarray(nameBytes.length + 1) };
}

function encrypted(value: Buffer, head: string): Classification {
  const m = PROVIDER_HEADER.exec(head);
  if (!m) return { kind: "unrecognized", reason: `"k8s:enc:" prefix without a complete <provider>:<version>: header (truncated or malformed)` };
  const [providerPrefix, name, version] = m as unknown as [string, string, string];
  const provider = KNOWN[`${name}:${version}`] ?? (`other:${name}:${version}` as const);
  const keyed = value.subarray(providerPrefix.length);
  // names are non-empty, so the first ":" that can end one is at index 1 or later
  const end = keyed.indexOf(COLON, 1);
  if (end < 0) return { kind: "unrecognized", reason: `${JSON.stringify(providerPrefix)} is not followed by <keyName>: (truncated or malformed)` };
  return { kind: "encrypted", provider, providerPrefix, keyed, ...split(providerPrefix, keyed, keyed.subarray(0, end)) };
}

/** Classifies a raw etcd value the way kube-apiserver's transformers and decoders tell them apart. Never throws. */
export function classify(value: Buffer): Classification {
  if (value.length === 0) return { kind: "unrecognized", reason: "the value is empty" };
  const head = value.subarray(0, 64).toString("latin1");
  if (head.startsWith(ENCRYPTED_MAGIC)) return encrypted(value, head);
  if (value.subarray(0, 4).equals(PROTOBUF_MAGIC)) return { kind: "plaintext", encoding: "protobuf" };
  if (JSON_START.test(head)) return { kind: "plaintext", encoding: "json" };
  const yaml = readStoredYaml(value);
  if (yaml.ok) return { kind: "plaintext", encoding: "yaml" };
  const start = JSON.stringify(value.subarray(0, 8).toString("latin1"));
  return { kind: "unrecognized", reason: `unknown prefix ${start}: not k8s:enc:, protobuf, JSON, nor a YAML object (${yaml.reason})` };
}

/**
 * The value read as the apiserver's transformer for key `name` reads it
 * (`bytes.HasPrefix(data, name+":")`, transformer.go:110, with the prefix
 * built at config.go:657), or undefined when that key's prefix does not match.
 */
export function underKey(c: Encrypted, name: string): Encrypted | undefined {
  const nameBytes = Buffer.from(name, "utf8");
  if (nameBytes.length === 0 || c.keyed.length <= nameBytes.length || c.keyed[nameBytes.length] !== COLON) return undefined;
  if (!c.keyed.subarray(0, nameBytes.length).equals(nameBytes)) return undefined;
  return { ...c, ...split(c.providerPrefix, c.keyed, nameBytes) };
}

/** The configured key names, in configuration order, whose `<name>:` prefixes the value: the keys the apiserver would try. */
export function keyNamesMatching(c: Encrypted, names: readonly string[]): string[] {
  return names.filter((n) => underKey(c, n) !== undefined);
}

/** The key name for a reason: the configured names that match when they are known, else the reading up to the first ":". */
export function describeKeyName(c: Encrypted, configured?: readonly string[]): string {
  const hits = configured ? keyNamesMatching(c, configured) : [];
  if (hits.length > 0) return hits.map((n) => `key ${JSON.stringify(n)}`).join(" or ");
  if (c.provider === "kms-v2") return `key ${JSON.stringify(c.keyName)}`;
  const qualifier = configured ? "matches no configured key; " : "";
  return `key ${JSON.stringify(c.keyName)} (${qualifier}read up to the first ":", as a name may itself hold ":")`;
}
