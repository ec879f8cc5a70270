import { a1EncryptionFamily } from "./a1-encryption/family.ts";
import { a2NoSecretsFamily } from "./a2-no-secrets/family.ts";
import { detectionFamily } from "./detection/judge.ts";
import { dynamicFamily } from "./dynamic/family.ts";
import { enforcementFamily } from "./enforcement/judge.ts";
import type { MatrixRow } from "./matrix.ts";
import type { ClaimId, Verdict } from "./verdict.ts";

/**
 * A read-only view of an evidence bundle, loaded before judging so that
 * judges stay pure.
 */
export interface BundleView {
  files: readonly string[];
  has(path: string): boolean;
  bytes(path: string): Buffer;
  text(path: string): string;
  json<T>(path: string): T;
}

/** An AES key from a cluster's EncryptionConfiguration, as an auditor supplies it. */
export interface EncryptionKey {
  /** The key's name in the EncryptionConfiguration; absent for a bare key. */
  name?: string;
  /** aescbc or aesgcm; absent for a bare key. */
  provider?: string;
  secret: Buffer;
}

/** What an auditor may add to a re-judge: material a bundle deliberately does not hold. */
export interface RejudgeOptions {
  /** Lets A1 decrypt the recorded ciphertext itself instead of trusting the recorded decryption. */
  encryptionKeys?: readonly EncryptionKey[];
}

/**
 * A claim family re-judges its claims from the evidence its suite recorded.
 * `secretproof verify` runs every family on a bundle and compares with the
 * verdicts the run recorded.
 */
export interface ClaimFamily {
  /** Also the name of its verdicts file: verdicts/<id>.json. */
  id: string;
  claims: readonly ClaimId[];
  rejudge(bundle: BundleView, opts?: RejudgeOptions): Verdict[];
  /** The attack-matrix rows the evidence derives, when the family records matrix/<id>/*.json. */
  matrix?(bundle: BundleView): MatrixRow[];
}

/** Every family, in claim-table order. Each suite's family adds itself here. */
export const FAMILIES: readonly ClaimFamily[] = [
  a1EncryptionFamily,
  a2NoSecretsFamily,
  dynamicFamily,
  detectionFamily,
  enforcementFamily,
];
