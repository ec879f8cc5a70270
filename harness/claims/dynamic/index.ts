/**
 * Judges for the dynamic-credentials claims, one per claim, all pure:
 * D1 hard expiry, D2 rotation without restart, D3 dropped after TTL or
 * revocation, D4 only Vault knows the admin password.
 */
export { judgeD1, type D1Input } from "./dynamic/expiry.ts";
export { judgeD2, judgeServing, identitySequence, DYNAMIC_IDENTITY, type ServingJudgement } from "./dynamic/serving.ts";
export { judgeD3Expiry, type D3Input } from "./dynamic/drop.ts";
export { judgeD3Revocation } from "./dynamic/revoke.ts";
export { judgeD4, type D4Input } from "./dynamic/root.ts";
export { classifyLogin, type LoginOutcome } from "./dynamic/login.ts";
export { VAULT_EXPIRATION_BUFFER_MS, parseTime, usernameUnixTime, vaultClockOffset } from "./dynamic/time.ts";
export type * from "./dynamic/types.ts";
