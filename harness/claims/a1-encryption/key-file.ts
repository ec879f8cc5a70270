import { readFile } from "node:fs/promises";
import { parseDocument } from "yaml";
import type { EncryptionKey } from "../registry.ts";
import { redactor as defaultRedactor, type Redactor } from "../../evidence/redact.ts";

/**
 * An auditor's key for `secretproof verify --encryption-key-file`: either the
 * base64 `secret` of one key, or a whole EncryptionConfiguration
 * (apiserver.config.k8s.io/v1: resources[].providers[].<aescbc|aesgcm>.keys[]
 * of {name, secret}). Errors never quote the file: it holds live keys.
 */

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const AES_SIZES = [16, 24, 32];
const DECRYPTING = ["aescbc", "aesgcm"] as const;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function aesKey(b64: unknown, what: string): Buffer {
  if (typeof b64 !== "string" || b64.length % 4 !== 0 || !BASE64.test(b64)) throw new Error(`${what} is not standard base64`);
  const key = Buffer.from(b64, "base64");
  if (!AES_SIZES.includes(key.length)) throw new Error(`${what} is ${key.length} bytes; an AES key is 16, 24 or 32`);
  return key;
}

function configKeys(doc: Obj): EncryptionKey[] {
  const out: EncryptionKey[] = [];
  for (const [r, res] of list(doc.resources).entries()) {
    for (const p of list(isObj(res) ? res.providers : undefined).filter(isObj)) {
      for (const provider of DECRYPTING) {
        const keys = isObj(p[provider]) ? list((p[provider] as Obj).keys) : [];
        for (const [i, k] of keys.entries()) {
          const name = isObj(k) ? k.name : undefined;
          // any non-empty string, spaces and ":" included (apiserver v0.35.7 validation_encryption.go:335, config.go:628)
          if (typeof name !== "string" || name === "") throw new Error(`resources[${r}] ${provider} keys[${i}] has no name (a non-empty string)`);
          out.push({ name, provider, secret: aesKey((k as Obj).secret, `resources[${r}] ${provider} key ${JSON.stringify(name)}`) });
        }
      }
    }
  }
  return out;
}

/** The keys a key file holds. Pure; throws naming what is wrong, never a key. */
export function parseEncryptionKeyFile(text: string, path: string): EncryptionKey[] {
  const trimmed = text.trim();
  if (BASE64.test(trimmed)) return [{ secret: aesKey(trimmed, `${path}: the key`) }];
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    // only the position: the error's message quotes the offending line
    const at = doc.errors[0]?.linePos?.[0];
    throw new Error(`${path} is neither a base64 AES key nor YAML${at ? ` (YAML error at line ${at.line})` : ""}`);
  }
  const config: unknown = doc.toJS();
  if (!isObj(config) || config.kind !== "EncryptionConfiguration") {
    throw new Error(`${path} is neither a base64 AES key nor an EncryptionConfiguration (kind: EncryptionConfiguration)`);
  }
  let keys: EncryptionKey[];
  try {
    keys = configKeys(config);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  if (keys.length === 0) throw new Error(`${path} holds no aescbc or aesgcm key: nothing to decrypt with`);
  return keys;
}

/** Reads a key file and registers every key with the redactor (raw and base64) before returning it. */
export async function readEncryptionKeyFile(path: string, red: Redactor = defaultRedactor): Promise<EncryptionKey[]> {
  const text = await readFile(path, "utf8").catch((err: unknown) => {
    throw new Error(`--encryption-key-file ${path} is not readable`, { cause: err });
  });
  const keys = parseEncryptionKeyFile(text, path);
  for (const k of keys) {
    const label = `etcd encryption key${k.name ? ` "${k.name}"` : ""} from ${path}`;
    red.register(k.secret, `${label} (raw)`);
    red.register(k.secret.toString("base64"), `${label} (base64)`);
  }
  return keys;
}
