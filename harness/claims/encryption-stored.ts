import { createHash } from "node:crypto";
import { decrypt, type Decryption } from "../etcd/decrypt.ts";
import { classify, type Classification } from "../etcd/envelope.ts";

/** How A1 sees one value in etcd: its raw bytes, and what they described or decrypted to. */

export interface StoredCanary {
  /** etcd key, e.g. /registry/secrets/<ns>/<name>. */
  key: string;
  namespace: string;
  name: string;
  /** Raw etcd value; undefined when the key was not found. */
  value?: Buffer;
  /**
   * What `value` decrypted to under the configured key when it was collected.
   * The evidence records it because the key itself is never recorded.
   */
  decrypted?: Decryption;
}

interface RowBase {
  key: string;
  bytes: number;
  sha256: string;
}

/** How the evidence describes one stored value: never the bytes themselves. */
export type StoredValueRow = RowBase &
  (
    | { format: "encrypted"; provider: string; keyName: string }
    | { format: "plaintext-protobuf" | "plaintext-json" }
    | { format: "unrecognized"; reason: string }
  );

export const sha256Hex = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

/** One line per stored value for the evidence bundle: never the bytes themselves. */
export function describeStoredValue(key: string, value: Buffer): StoredValueRow {
  const c = classify(value);
  const base = { key, bytes: value.length, sha256: sha256Hex(value) };
  if (c.kind === "encrypted") return { ...base, format: "encrypted", provider: c.provider, keyName: c.keyName };
  if (c.kind === "plaintext") return { ...base, format: `plaintext-${c.encoding}` };
  return { ...base, format: "unrecognized", reason: c.reason };
}

/** Decrypts a stored value with `key` when it carries an encryption header; undefined otherwise. */
export function decryptStored(c: Pick<StoredCanary, "key" | "value">, key: Buffer): Decryption | undefined {
  const cls: Classification | undefined = c.value ? classify(c.value) : undefined;
  return cls?.kind === "encrypted" ? decrypt(cls, key, c.key) : undefined;
}

/** A decryption in words, for reasons: status, and for plaintext its length and hash (never the bytes). */
export function describeDecryption(d: Decryption): string {
  return d.status === "ok" ? `${d.plaintext.length} bytes, sha256 ${sha256Hex(d.plaintext).slice(0, 16)}…` : d.status;
}
