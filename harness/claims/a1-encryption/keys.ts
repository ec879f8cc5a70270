import { decrypt } from "../../etcd/decrypt.ts";
import { describeKeyName, underKey, type Encrypted } from "../../etcd/envelope.ts";

/**
 * Key names in A1's judgement. A name is any non-empty string, ":" included
 * (apiserver v0.35.7 apis/apiserver/validation/validation_encryption.go:335),
 * and a value names its key only as the prefix `<name>:`
 * (pkg/server/options/encryptionconfig/config.go:657). The apiserver tries
 * every configured key whose prefix matches, in configuration order, moving
 * on when one fails (pkg/storage/value/transformer.go:109-158). So the judge
 * reads a value under the expected name by that same prefix test and proves
 * the key by decrypting; with the EncryptionConfiguration supplied it also
 * says which other configured key a value is under.
 */

/** One key of a supplied EncryptionConfiguration; the secret is held in memory only. */
export interface ConfiguredKey {
  provider?: string;
  name?: string;
  secret?: Buffer;
}

export interface KeyExpectation {
  provider: string;
  keyName: string;
  configuredKeys?: readonly ConfiguredKey[];
}

export const wanted = (e: Pick<KeyExpectation, "provider" | "keyName">): string => `${e.provider} key ${JSON.stringify(e.keyName)}`;

function configured(e: KeyExpectation, provider: string): ConfiguredKey[] | undefined {
  return e.configuredKeys?.filter((k) => k.provider === provider && k.name);
}

/** The value read under the expected provider and key name, or a reason naming the key it is under instead. */
export function readUnderExpected(cls: Encrypted, e: KeyExpectation): Encrypted | string {
  const mine = cls.provider === e.provider ? underKey(cls, e.keyName) : undefined;
  if (mine) return mine;
  const names = configured(e, cls.provider)?.map((k) => k.name as string);
  return `is encrypted by ${cls.provider} ${describeKeyName(cls, names)}, expected ${wanted(e)}`;
}

/**
 * When the value does not open under the expected key: the first other
 * configured key whose prefix matches and which opens it, in configuration
 * order, as the apiserver would find it. Undefined without a configuration.
 */
export function otherKeyOpening(cls: Encrypted, e: KeyExpectation, etcdKey: string): string | undefined {
  for (const k of configured(e, cls.provider) ?? []) {
    const name = k.name as string;
    const under = name === e.keyName || !k.secret ? undefined : underKey(cls, name);
    if (under && k.secret && decrypt(under, k.secret, etcdKey).status === "ok") return name;
  }
  return undefined;
}

/** Why a value that carries the expected prefix may still be under another key, when no configuration says. */
export function ambiguityHint(e: KeyExpectation): string {
  if (e.configuredKeys) return "";
  return `; a key whose name starts with ${JSON.stringify(`${e.keyName}:`)} would carry this prefix too, which only the EncryptionConfiguration can tell (--encryption-key-file)`;
}
