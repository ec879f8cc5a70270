import type { ProbeResult } from "../../../core/wait.ts";

export interface AppIdentity {
  dbUser: string;
  status: number;
}

/**
 * Judges one answer of GET / (Accept: application/json): ready when it is 200
 * and the app reports a Vault-issued database user (`v-…`). Anything else is
 * "not yet", with what was seen.
 */
export function judgeAppAnswer(status: number, body: string): ProbeResult<AppIdentity> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { done: false, state: { status, body: body.slice(0, 200) } };
  }
  const dbUser = (parsed as { db_user?: unknown })?.db_user;
  if (status === 200 && typeof dbUser === "string" && dbUser.startsWith("v-")) return { done: true, value: { dbUser, status } };
  return { done: false, state: { status, body: parsed } };
}
