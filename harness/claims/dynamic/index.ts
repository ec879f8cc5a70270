/**
 * Judges for the dynamic-credentials claims, one per claim, all pure:
 * D1 hard expiry, D2 rotation without restart, D3 dropped after TTL or
 * revocation, D4 only Vault knows the admin password.
 */
export { judgeD1 } from "./expiry.ts";
export { judgeD2, judgeServing, identitySequence } from "./serving.ts";
export { judgeD3Expiry, type D3Input } from "./drop.ts";
export { judgeD3Revocation } from "./revoke.ts";
export { judgeD4, type D4Input } from "./root.ts";
export { classifyLogin } from "./login.ts";
export { parseTime, usernameUnixTime, vaultClockOffset } from "./time.ts";
export type * from "./types.ts";
