import { createHash } from "node:crypto";
import { decrypt, type Decryption } from "../../etcd/decrypt.ts";
import { classify, underKey, type Classification } from "../../etcd/envelope.ts";

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

/** The outcome of decrypting one stored Secret under the expected key at collection (the plaintext is never kept). */
export type RowDecryption = "ok" | "malformed" | "rejected";

/** How the evidence describes one stored value: never the bytes themselves. */
export type StoredValueRow = RowBase &
  (
    | {
        format: "encrypted";
        provider: string;
        /** The expected key's name when its `<name>:` prefix matches, else the name read up to the first ":". */
        keyName: string;
        /** Present when the expected key was at hand and its provider can be decrypted here. */
        decryption?: RowDecryption;
      }
    | { format: "plaintext-protobuf" | "plaintext-json" | "plaintext-yaml" }
    | { format: "unrecognized"; reason: string }
  );

/** The key a scan row is tested against: provider and name, and the key itself when it is at hand. */
export interface ScanKey {
  provider: string;
  keyName: string;
  key?: Buffer;
}

export const sha256Hex = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

/**
 * One line per stored value for the evidence bundle: never the bytes. With
 * `expected`, an encrypted value is read under the expected key's name when
 * that name's prefix matches (the apiserver's own test, since a name may hold
 * ":"), and with the key it is decrypted, recording only the outcome: that
 * settles a value under another key whose name merely starts the same way.
 */
export function describeStoredValue(key: string, value: Buffer, expected?: ScanKey): StoredValueRow {
  const c = classify(value);
  const base = { key, bytes: value.length, sha256: sha256Hex(value) };
  if (c.kind === "plaintext") return { ...base, format: `plaintext-${c.encoding}` };
  if (c.kind === "unrecognized") return { ...base, format: "unrecognized", reason: c.reason };
  const mine = expected && c.provider === expected.provider ? underKey(c, expected.keyName) : undefined;
  const row = { ...base, format: "encrypted" as const, provider: c.provider, keyName: (mine ?? c).keyName };
  if (!mine || !expected?.key) return row;
  const d = decrypt(mine, expected.key, key);
  return d.status === "unsupported" ? row : { ...row, decryption: d.status };
}

/** Decrypts a stored value with `key`, read under key name `keyName`, when it carries an encryption header; undefined otherwise. */
export function decryptStored(c: Pick<StoredCanary, "key" | "value">, key: Buffer, keyName?: string): Decryption | undefined {
  const cls: Classification | undefined = c.value ? classify(c.value) : undefined;
  if (cls?.kind !== "encrypted") return undefined;
  const mine = keyName === undefined ? cls : underKey(cls, keyName);
  return mine ? decrypt(mine, key, c.key) : undefined;
}

/** A decryption in words, for reasons: status, and for plaintext its length and hash (never the bytes). */
export function describeDecryption(d: Decryption): string {
  return d.status === "ok" ? `${d.plaintext.length} bytes, sha256 ${sha256Hex(d.plaintext).slice(0, 16)}…` : d.status;
}
