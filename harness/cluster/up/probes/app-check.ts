import type { ProbeResult } from "../../../core/wait.ts";
import { judgeAppAnswer, type AppIdentity } from "../judges/app-answer.ts";

/** One probe of the app through a forwarded port. */
export async function probeApp(baseUrl: string, timeoutMs: number): Promise<ProbeResult<AppIdentity>> {
  const res = await fetch(`${baseUrl}/`, { headers: { Accept: "application/json" }, signal: AbortSignal.timeout(timeoutMs) });
  return judgeAppAnswer(res.status, await res.text());
}
