import { createDecipheriv } from "node:crypto";
import type { Encrypted } from "./envelope.ts";

/**
 * Decrypts an encrypted etcd value with a key from the EncryptionConfiguration,
 * the way kube-apiserver reads it back (kubernetes/apiserver v0.35.7
 * pkg/storage/value/encrypt/aes/aes.go):
 * - aescbc (:224-255): payload = 16-byte IV + AES-CBC ciphertext, PKCS#7
 *   padded, no MAC; the padding check accepts any pad length up to the
 *   plaintext's, as upstream's does;
 * - aesgcm (:186-193): payload = 12-byte nonce + ciphertext + 16-byte tag,
 *   with the etcd key as additional authenticated data.
 * Other providers (secretbox, KMS) are classified only.
 */
export type Decryption =
  | { status: "ok"; plaintext: Buffer }
  /** The payload cannot be ciphertext of this provider (too short, wrong length). */
  | { status: "malformed"; reason: string }
  /** Well-formed, but this key does not open it. */
  | { status: "rejected"; reason: string }
  | { status: "unsupported"; reason: string };

const BLOCK = 16;
const GCM_NONCE = 12;
const GCM_TAG = 16;

function keyProblem(key: Buffer): string | undefined {
  return [16, 24, 32].includes(key.length) ? undefined : `an AES key must be 16, 24 or 32 bytes, this one is ${key.length}`;
}

function cipherName(key: Buffer, mode: "cbc" | "gcm"): string {
  return `aes-${key.length * 8}-${mode}` as const;
}

export function decryptAescbc(payload: Buffer, key: Buffer): Decryption {
  const bad = keyProblem(key);
  if (bad) return { status: "unsupported", reason: bad };
  if (payload.length < BLOCK) {
    return { status: "malformed", reason: `payload is ${payload.length} bytes, shorter than the 16-byte IV` };
  }
  const body = payload.subarray(BLOCK);
  if (body.length === 0 || body.length % BLOCK !== 0) {
    return { status: "malformed", reason: `ciphertext after the IV is ${body.length} bytes, not a positive multiple of 16` };
  }
  const d = createDecipheriv(cipherName(key, "cbc"), key, payload.subarray(0, BLOCK));
  d.setAutoPadding(false);
  const out = Buffer.concat([d.update(body), d.final()]);
  const pad = out[out.length - 1] as number;
  if (pad === 0 || pad > out.length) {
    return { status: "rejected", reason: `invalid PKCS#7 padding byte ${pad}: wrong key or corrupted ciphertext` };
  }
  for (let i = out.length - pad; i < out.length; i++) {
    if (out[i] !== pad) return { status: "rejected", reason: "inconsistent PKCS#7 padding: wrong key or corrupted ciphertext" };
  }
  return { status: "ok", plaintext: out.subarray(0, out.length - pad) };
}

export function decryptAesgcm(payload: Buffer, key: Buffer, etcdKey: string): Decryption {
  const bad = keyProblem(key);
  if (bad) return { status: "unsupported", reason: bad };
  if (payload.length < GCM_NONCE + GCM_TAG) {
    return { status: "malformed", reason: `payload is ${payload.length} bytes, shorter than nonce + tag (28)` };
  }
  const nonce = payload.subarray(0, GCM_NONCE);
  const tag = payload.subarray(payload.length - GCM_TAG);
  const d = createDecipheriv(cipherName(key, "gcm") as "aes-256-gcm", key, nonce);
  d.setAAD(Buffer.from(etcdKey, "utf8"));
  d.setAuthTag(tag);
  const body = d.update(payload.subarray(GCM_NONCE, payload.length - GCM_TAG));
  try {
    return { status: "ok", plaintext: Buffer.concat([body, d.final()]) };
  } catch {
    return { status: "rejected", reason: "GCM authentication failed: wrong key, wrong etcd key or corrupted ciphertext" };
  }
}

/**
 * Decrypts a classified value with `key`; `etcdKey` is the value's etcd key
 * (GCM's authenticated data). The payload is the one after the value's key
 * name: pass `underKey(value, name)` to read it under a given name.
 */
export function decrypt(value: Pick<Encrypted, "provider" | "payload">, key: Buffer, etcdKey: string): Decryption {
  switch (value.provider) {
    case "aescbc":
      return decryptAescbc(value.payload, key);
    case "aesgcm":
      return decryptAesgcm(value.payload, key, etcdKey);
    default:
      return { status: "unsupported", reason: `decrypting ${value.provider} is not implemented; the value is classified only` };
  }
}
