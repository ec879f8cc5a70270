import { PROTOBUF_MAGIC, classify, type PlaintextEncoding } from "./envelope.ts";
import { ProtoError, bytesField, decodeMessage, stringField } from "./protobuf.ts";
import { readStoredYaml } from "./stored-yaml.ts";

/** What a plaintext value says it is. `raw` is the serialized object (protobuf message, or the JSON or YAML text). */
export interface StoredObject {
  encoding: PlaintextEncoding;
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

function decodeYaml(value: Buffer): Decoded {
  const y = readStoredYaml(value);
  if (!y.ok) return { ok: false, reason: y.reason };
  const { apiVersion, kind, name, namespace } = y.header;
  return { ok: true, object: { encoding: "yaml", apiVersion, kind, name, namespace, raw: value } };
}

/** Decodes a plaintext (identity or decrypted) value into what it claims to be. Never throws. */
export function decodeObject(value: Buffer): Decoded {
  const c = classify(value);
  if (c.kind !== "plaintext") {
    return { ok: false, reason: c.kind === "encrypted" ? `value is still encrypted (${JSON.stringify(c.prefix)})` : c.reason };
  }
  if (c.encoding === "protobuf") return decodeProtobuf(value);
  return c.encoding === "json" ? decodeJson(value) : decodeYaml(value);
}
