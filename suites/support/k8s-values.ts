/**
 * Builds etcd values the way kube-apiserver writes them, for the unit and
 * local tiers: a protobuf encoder for runtime.Unknown and core/v1 Secret and
 * ConfigMap (field numbers from k8s.io/api core/v1/generated.proto and
 * apimachinery runtime/generated.proto), and the aescbc/aesgcm layouts of
 * apiserver pkg/storage/value/encrypt/aes/aes.go.
 */
import { createCipheriv, randomBytes } from "node:crypto";

export function varint(n: number | bigint): Buffer {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return Buffer.from(out);
}

export function lenField(field: number, bytes: Buffer | string): Buffer {
  const b = typeof bytes === "string" ? Buffer.from(bytes, "utf8") : bytes;
  return Buffer.concat([varint((field << 3) | 2), varint(b.length), b]);
}

export function varintField(field: number, v: number): Buffer {
  return Buffer.concat([varint(field << 3), varint(v)]);
}

function mapEntries(field: number, entries: Record<string, Buffer | string>): Buffer {
  return Buffer.concat(Object.entries(entries).map(([k, v]) => lenField(field, Buffer.concat([lenField(1, k), lenField(2, v)]))));
}

function objectMeta(name: string, namespace: string): Buffer {
  return Buffer.concat([lenField(1, name), lenField(3, namespace), lenField(5, "6b0d5c6e-0000-4000-8000-00000000c0de")]);
}

/** core/v1 Secret: metadata 1, data 2 (map<string, bytes>), type 3. */
export function secretProto(name: string, namespace: string, data: Record<string, Buffer | string>): Buffer {
  return Buffer.concat([lenField(1, objectMeta(name, namespace)), mapEntries(2, data), lenField(3, "Opaque")]);
}

/** core/v1 ConfigMap: metadata 1, data 2 (map<string, string>). */
export function configMapProto(name: string, namespace: string, data: Record<string, string>): Buffer {
  return Buffer.concat([lenField(1, objectMeta(name, namespace)), mapEntries(2, data)]);
}

/** `k8s\x00` + runtime.Unknown{typeMeta{apiVersion, kind}, raw, contentEncoding "", contentType ""}. */
export function unknownEnvelope(apiVersion: string, kind: string, raw: Buffer): Buffer {
  const typeMeta = Buffer.concat([lenField(1, apiVersion), lenField(2, kind)]);
  return Buffer.concat([Buffer.from("k8s\x00", "latin1"), lenField(1, typeMeta), lenField(2, raw), lenField(3, ""), lenField(4, "")]);
}

export function secretValue(name: string, namespace: string, data: Record<string, Buffer | string>): Buffer {
  return unknownEnvelope("v1", "Secret", secretProto(name, namespace, data));
}

export function configMapValue(name: string, namespace: string, data: Record<string, string>): Buffer {
  return unknownEnvelope("v1", "ConfigMap", configMapProto(name, namespace, data));
}

/** `k8s:enc:aescbc:v1:<name>:` + 16-byte IV + AES-CBC with PKCS#7 padding. */
export function aescbcValue(plaintext: Buffer, keyName: string, key: Buffer, iv: Buffer = randomBytes(16)): Buffer {
  const c = createCipheriv(`aes-${key.length * 8}-cbc`, key, iv);
  return Buffer.concat([Buffer.from(`k8s:enc:aescbc:v1:${keyName}:`), iv, c.update(plaintext), c.final()]);
}

/** `k8s:enc:aesgcm:v1:<name>:` + 12-byte nonce + ciphertext + 16-byte tag; the etcd key is the AAD. */
export function aesgcmValue(plaintext: Buffer, keyName: string, key: Buffer, etcdKey: string): Buffer {
  const nonce = randomBytes(12);
  const c = createCipheriv(`aes-${key.length * 8}-gcm` as "aes-256-gcm", key, nonce);
  c.setAAD(Buffer.from(etcdKey));
  const body = Buffer.concat([c.update(plaintext), c.final()]);
  return Buffer.concat([Buffer.from(`k8s:enc:aesgcm:v1:${keyName}:`), nonce, body, c.getAuthTag()]);
}

/** A value as a JSON-media-type apiserver would store it. */
export function secretJsonValue(name: string, namespace: string, data: Record<string, string>): Buffer {
  const b64 = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
  return Buffer.from(JSON.stringify({ kind: "Secret", apiVersion: "v1", metadata: { name, namespace }, data: b64, type: "Opaque" }));
}

const STAMP = "2026-12-01T10:00:00Z";
const UID = "6b0d5c6e-0000-4000-8000-00000000c0de";

/**
 * A value as kube-apiserver stores it with --storage-media-type=application/yaml:
 * the object's JSON re-marshalled by sigs.k8s.io/yaml JSONToYAML through
 * go-yaml v2, i.e. keys sorted, two-space maps, sequences not indented under
 * their key, strings that would read as another type double-quoted (the
 * layout `kubectl get -o yaml` shows, from the same function).
 */
function yamlObject(kind: string, name: string, namespace: string, data: Record<string, string>, tail: string[]): Buffer {
  const entries = Object.keys(data)
    .sort()
    .map((k) => `  ${k}: ${data[k]}`);
  return Buffer.from(
    [
      "apiVersion: v1",
      "data:",
      ...entries,
      `kind: ${kind}`,
      "metadata:",
      `  creationTimestamp: "${STAMP}"`,
      "  labels:",
      "    app.kubernetes.io/managed-by: secretproof",
      "  managedFields:",
      "  - apiVersion: v1",
      "    fieldsType: FieldsV1",
      "    fieldsV1:",
      "      f:data:",
      "        .: {}",
      ...Object.keys(data)
        .sort()
        .map((k) => `        f:${k}: {}`),
      "    manager: kubectl-client-side-apply",
      "    operation: Update",
      `    time: "${STAMP}"`,
      `  name: ${name}`,
      `  namespace: ${namespace}`,
      `  uid: ${UID}`,
      ...tail,
      "",
    ].join("\n"),
  );
}

export function secretYamlValue(name: string, namespace: string, data: Record<string, string>): Buffer {
  const b64 = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")]));
  return yamlObject("Secret", name, namespace, b64, ["type: Opaque"]);
}

export function configMapYamlValue(name: string, namespace: string, data: Record<string, string>): Buffer {
  return yamlObject("ConfigMap", name, namespace, data, []);
}
