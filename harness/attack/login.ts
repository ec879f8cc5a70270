import { randomBytes } from "node:crypto";
import { tail } from "../core/errors.ts";
import type { ExecResult } from "../core/exec.ts";
import { redactor } from "../evidence/redact.ts";
import { execExit, kubectlFailure } from "../kube/exec-exit.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { PodIdentity } from "./attempt.ts";

export interface LoginAttempt {
  user: string;
  ok: boolean;
  current_user?: string;
  reason?: string;
}

/** What the stolen-credential login produced (no password in it). */
export interface LoginProof {
  at: string;
  /** The attack whose output was used. */
  attack: string;
  attempts: LoginAttempt[];
  /** The same user with a wrong password: must be refused, proving the password was checked. */
  wrongPassword: LoginAttempt | null;
  /** Why the login check itself could not run (kubectl's own failure, the script's): no verdict on the password. */
  error?: string;
}

// Runs in the app container with the app's own environment (DB_HOST, DB_PORT,
// DB_NAME), so it takes the app's network path and pg_hba rule. Errors are
// reduced to a class: a server message never carries the password, but only
// fixed text leaves the pod anyway.
export const LOGIN_SCRIPT = `
import json, os, sys
import psycopg2
req = json.load(sys.stdin)
def attempt(user, password):
    try:
        c = psycopg2.connect(host=os.environ.get("DB_HOST", "postgres.postgres.svc"),
            port=int(os.environ.get("DB_PORT", "5432")), dbname=os.environ.get("DB_NAME", "postgres"),
            user=user, password=password, connect_timeout=req["connect_timeout"], application_name="secretproof-stolen-login")
    except psycopg2.OperationalError as e:
        m = str(e)
        reason = "password authentication failed" if "password authentication failed" in m else (
            "role does not exist" if "does not exist" in m else type(e).__name__)
        return {"user": user, "ok": False, "reason": reason}
    try:
        cur = c.cursor()
        cur.execute("SELECT current_user")
        cu = cur.fetchone()[0]
    finally:
        c.close()
    return {"user": user, "ok": True, "current_user": cu}
res = [attempt(u, req["password"]) for u in req["users"]]
good = next((r for r in res if r["ok"]), None)
wrong = attempt(good["user"], req["wrong"]) if good else None
print(json.dumps({"attempts": res, "wrong_password": wrong}))
`;

/**
 * Each connection's share of the exec's deadline (libpq's connect_timeout,
 * whole seconds, at least 2: libpq treats 1 as 2): the candidates and the
 * wrong-password attempt together finish before the exec is cut off.
 */
export function connectTimeoutSeconds(timeoutMs: number, candidates: number): number {
  return Math.max(2, Math.floor(timeoutMs / 1000 / (candidates + 2)));
}

/**
 * Logs in to Postgres from inside the app pod, as an attacker there would,
 * with a stolen password and each candidate user name (the app's reported
 * identity just before and after the theft: the files rotate together, so
 * the password belongs to one of them). The password goes over stdin only.
 */
export async function loginWithStolen(
  kube: Kubectl,
  pod: PodIdentity,
  attack: string,
  password: string,
  users: readonly string[],
  timeoutMs: number,
): Promise<LoginProof> {
  const candidates = [...new Set(users)];
  const input = JSON.stringify({ password, users: candidates, wrong: `wrong-${randomBytes(12).toString("hex")}`, connect_timeout: connectTimeoutSeconds(timeoutMs, candidates.length) });
  const at = new Date().toISOString();
  const failed = (error: string): LoginProof => ({ at, attack, attempts: [], wrongPassword: null, error: redactor.redact(error) });
  let r: ExecResult;
  try {
    r = await kube.exec(pod.namespace, pod.name, ["python3", "-c", LOGIN_SCRIPT], { container: pod.container, input, timeoutMs, okExitCodes: ANY_EXIT });
  } catch (err) {
    return failed(err instanceof Error ? err.message : String(err));
  }
  return parseLoginOutput(at, attack, r);
}

const ANY_EXIT = Array.from({ length: 255 }, (_, i) => i + 1);

/**
 * The login script's result, or why there is none: a refused password is a
 * result inside the JSON; kubectl's own failure (no trailer line, e.g.
 * "error: unable to upgrade connection") and the script's failure (python's
 * exit code with its traceback) are not, and say which it was.
 */
export function parseLoginOutput(at: string, attack: string, r: Pick<ExecResult, "command" | "exitCode" | "stdout" | "stderr">): LoginProof {
  const failed = (error: string): LoginProof => ({ at, attack, attempts: [], wrongPassword: null, error: redactor.redact(error) });
  const x = execExit(r.exitCode, r.stderr);
  if (x.origin === "kubectl") return failed(kubectlFailure(r.command, r.exitCode, r.stderr));
  if (r.exitCode !== 0) return failed(`the login script exited ${r.exitCode} in the app container: ${tail(x.stderr, 5).trim() || "(no stderr)"}`);
  try {
    const out = JSON.parse(r.stdout) as { attempts: LoginAttempt[]; wrong_password: LoginAttempt | null };
    if (!Array.isArray(out.attempts)) throw new Error("no attempts array");
    return { at, attack, attempts: out.attempts, wrongPassword: out.wrong_password };
  } catch (err) {
    return failed(`the login script printed no result (${err instanceof Error ? err.message : String(err)}): ${r.stdout.slice(0, 200)}`);
  }
}

/** Problems with a login proof (empty when the stolen credential is proven live). */
export function loginProblems(p: LoginProof): string[] {
  if (p.error !== undefined) return [`the login check did not run: ${p.error}`];
  const good = p.attempts.find((a) => a.ok);
  if (!good) return [`no candidate user logged in with the stolen password: ${JSON.stringify(p.attempts)}`];
  const out: string[] = [];
  if (good.current_user !== good.user) out.push(`logged in, but current_user is ${good.current_user}, not ${good.user}`);
  if (!p.wrongPassword || p.wrongPassword.ok || p.wrongPassword.reason !== "password authentication failed") {
    out.push(`a wrong password was not refused for ${good.user} (${JSON.stringify(p.wrongPassword)}): the login did not prove the password`);
  }
  return out;
}
