import { detectionFamily } from "./detection.ts";
import { dynamicFamily } from "./dynamic-family.ts";
import { enforcementFamily } from "./enforcement.ts";
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

/**
 * A claim family re-judges its claims from the evidence its suite recorded.
 * `secretproof verify` runs every family on a bundle and compares with the
 * verdicts the run recorded.
 */
export interface ClaimFamily {
  /** Also the name of its verdicts file: verdicts/<id>.json. */
  id: string;
  claims: readonly ClaimId[];
  rejudge(bundle: BundleView): Verdict[];
}

/** Every family, in claim-table order. Each suite's family adds itself here. */
export const FAMILIES: readonly ClaimFamily[] = [dynamicFamily, detectionFamily, enforcementFamily];
