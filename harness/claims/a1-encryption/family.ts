import { readA1Evidence } from "./evidence.ts";
import { judgeA1, type ExpectedEncryption } from "./judge.ts";
import type { ClaimFamily, EncryptionKey } from "../registry.ts";
import { ID, LAYOUT, PASSIVE_LAYOUT } from "./layout.ts";
import { judgeA1Passive } from "./passive.ts";
import { readA1PassiveEvidence } from "./passive-evidence.ts";

/** The supplied key A1's canary was encrypted under: by name and provider, else the one bare key. */
export function pickKey(keys: readonly EncryptionKey[], want: Pick<ExpectedEncryption, "provider" | "keyName">): Buffer {
  const named = keys.find((k) => k.name === want.keyName && (!k.provider || k.provider === want.provider));
  const bare = keys.filter((k) => k.name === undefined);
  const key = named ?? (bare.length === 1 ? bare[0] : undefined);
  if (key) return key.secret;
  const held = keys.map((k) => (k.name ? `${k.provider ?? "?"} key "${k.name}"` : "a bare key")).join(", ") || "nothing";
  throw new Error(`the supplied encryption keys hold no ${want.provider} key "${want.keyName}" (they hold ${held})`);
}

/**
 * A1 re-judged from its bundle: the recorded ciphertext, the recorded
 * decryption of the canary, every stored Secret's recorded description and
 * the control ConfigMap's raw bytes. With an auditor's key, the ciphertext is
 * decrypted again and must match the recorded decryption. A passive bundle
 * (an audit's: A1/passive.json names its judge) is re-judged by that judge.
 */
export const a1EncryptionFamily: ClaimFamily = {
  id: ID,
  claims: ["A1"],
  rejudge(bundle, opts = {}) {
    if (bundle.has(PASSIVE_LAYOUT.passive)) {
      if (bundle.has(LAYOUT.canary)) throw new Error(`the bundle holds both ${LAYOUT.canary} (a suite's A1) and ${PASSIVE_LAYOUT.passive} (an audit's): one A1 a bundle`);
      return [judgeA1Passive(readA1PassiveEvidence(bundle))];
    }
    const e = readA1Evidence(bundle);
    if (!opts.encryptionKeys) return [judgeA1(e)];
    const key = pickKey(opts.encryptionKeys, e.expected);
    return [judgeA1({ ...e, expected: { ...e.expected, key, configuredKeys: opts.encryptionKeys } })];
  },
};
