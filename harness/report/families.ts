import { appLeakFamily } from "../claims/app-leak/family.ts";
import { a1EncryptionFamily } from "../claims/a1-encryption/family.ts";
import { a2NoSecretsFamily } from "../claims/a2-no-secrets/family.ts";
import { detectionFamily } from "../claims/detection/family.ts";
import { dynamicFamily } from "../claims/dynamic/family.ts";
import { enforcementFamily } from "../claims/enforcement/family.ts";
import { networkFamily } from "../claims/network/family.ts";
import type { ClaimFamily } from "../claims/registry.ts";

/**
 * Every claim family, in claim-table order, which is also the order the e2e
 * suites run in (harness/vitest/sequencer.ts; the dynamic and network
 * suites, whose collections run in the background, last): enforcement after
 * detection, whose attempts it requires. Each family adds itself here.
 */
export const FAMILIES: readonly ClaimFamily[] = [
  a1EncryptionFamily,
  a2NoSecretsFamily,
  dynamicFamily,
  detectionFamily,
  enforcementFamily,
  networkFamily,
  appLeakFamily,
];
