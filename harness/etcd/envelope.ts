import { ProtoError, bytesField, decodeMessage, stringField } from "./protobuf.ts";

/**
 * How kube-apiserver lays out a value in etcd (kubernetes
 * staging/src/k8s.io/apiserver/pkg/server/options/encryptionconfig/config.go
 * and pkg/storage/value/encrypt/aes/aes.go):
 * - identity: the serialized object itself, protobuf (`k8s\x00` + runtime.Unknown)
 *   or JSON (`{`) depending on the storage media type;
 * - encrypted: `k8s:enc:<provider>:<version>:<keyName>:` followed by the
 *   provider's payload (aescbc: 16-byte IV + AES-CBC/PKCS#7; aesgcm: 12-byte
 *   nonce + ciphertext + 16-byte tag; secretbox: 24-byte nonce + box; kms v2:
 *   a protobuf EncryptedObject).
 */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const ENCRYPTED_MAGIC = "k8s:enc:";

export type Provider = "aescbc" | "aesgcm" | "secretbox" | "kms-v1" | "kms-v2";

const KNOWN: Record<string, Provider> = {
  "aescbc:v1": "aescbc",
  "aesgcm:v1": "aesgcm",
  "secretbox:v1": "secretbox",
  "kms:v1": "kms-v1",
  "kms:v2": "kms-v2",
};

export type Classification =
  | { kind: "plaintext"; encoding: "protobuf" | "json" }
  | {
      kind: "encrypted";
      /** A known provider, or `other:<name>:<version>` for a prefix this code does not know. */
      provider: Provider | `other:${string}`;
      keyName: string;
      /** The whole header, e.g. `k8s:enc:aescbc:v1:key1:`. */
      prefix: string;
      payload: Buffer;
    }
  | { kind: "unrecognized"; reason: string };

/** Key names are printable ASCII without ":" (0x21-0x39, 0x3b-0x7e). */
const HEADER = /^k8s:enc:([A-Za-z0-9-]+):(v[0-9]+):([!-9;-~]+):/;

/** Classifies a raw etcd value by its prefix. Never throws. */
export function classify(value: Buffer): Classification {
  if (value.length === 0) return { kind: "unrecognized", reason: "the value is empty" };
  if (value.subarray(0, 4).equals(PROTOBUF_MAGIC)) return { kind: "plaintext", encoding: "protobuf" };
  if (value[0] === 0x7b) return { kind: "plaintext", encoding: "json" };
  const head = value.subarray(0, 512).toString("latin1");
  if (!head.startsWith(ENCRYPTED_MAGIC)) {
    return { kind: "unrecognized", reason: `unknown prefix ${JSON.stringify(value.subarray(0, 8).toString("latin1"))}` };
  }
  const m = HEADER.exec(head);
  if (!m) {
    return {
      kind: "unrecognized",
      reason: `"k8s:enc:" prefix without a complete <provider>:<version>:<keyName>: header (truncated or malformed)`,
    };
  }
  const [prefix, name, version, keyName] = m as unknown as [string, string, string, string];
  const provider = KNOWN[`${name}:${version}`] ?? (`other:${name}:${version}` as const);
  return { kind: "encrypted", provider, keyName, prefix, payload: value.subarray(prefix.length) };
}

/** What a plaintext value says it is. `raw` is the serialized object (protobuf message or the JSON text). */
export interface StoredObject {
  encoding: "protobuf" | "json";
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  raw: Buffer;
  contentType?: string;
  contentEncoding?: string;
}

export type Decoded = { ok: true; object: StoredObject } | { ok: false; reason: string };

/** Reads ObjectMeta name (1) and namespace (3) from field 1 of a Kubernetes object message. */
function objectMeta(raw: Buffer): { name?: string; namespace?: string } {
  const meta = bytesField(decodeMessage(raw), 1);
  if (!meta) return {};
  const f = decodeMessage(meta);
  return { name: stringField(f, 1), namespace: stringField(f, 3) };
}

function decodeProtobuf(value: Buffer): Decoded {
  try {
    const unknown = decodeMessage(value.subarray(PROTOBUF_MAGIC.length));
    const typeMeta = bytesField(unknown, 1);
    const raw = bytesField(unknown, 2);
    if (!typeMeta || !raw) return { ok: false, reason: "protobuf envelope lacks typeMeta (1) or raw (2)" };
    const tm = decodeMessage(typeMeta);
    const contentEncoding = stringField(unknown, 3);
    const contentType = stringField(unknown, 4);
    const meta = contentType && contentType !== "application/vnd.kubernetes.protobuf" ? {} : objectMeta(raw);
    const object: StoredObject = {
      encoding: "protobuf",
      apiVersion: stringField(tm, 1) ?? "",
      kind: stringField(tm, 2) ?? "",
      raw,
      ...meta,
      ...(contentType ? { contentType } : {}),
      ...(contentEncoding ? { contentEncoding } : {}),
    };
    return { ok: true, object };
  } catch (err) {
    if (err instanceof ProtoError) return { ok: false, reason: `malformed protobuf envelope: ${err.message}` };
    throw err;
  }
}

function decodeJson(value: Buffer): Decoded {
  let doc: unknown;
  try {
    doc = JSON.parse(value.toString("utf8"));
  } catch (err) {
    return { ok: false, reason: `value starts with "{" but is not JSON: ${(err as Error).message}` };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { ok: false, reason: "JSON value is not an object" };
  const d = doc as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } };
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    ok: true,
    object: {
      encoding: "json",
      apiVersion: str(d.apiVersion) ?? "",
      kind: str(d.kind) ?? "",
      name: str(d.metadata?.name),
      namespace: str(d.metadata?.namespace),
      raw: value,
    },
  };
}

/** Decodes a plaintext (identity or decrypted) value into what it claims to be. Never throws. */
export function decodeObject(value: Buffer): Decoded {
  const c = classify(value);
  if (c.kind !== "plaintext") {
    return { ok: false, reason: c.kind === "encrypted" ? `value is still encrypted (${c.prefix})` : c.reason };
  }
  return c.encoding === "protobuf" ? decodeProtobuf(value) : decodeJson(value);
}
