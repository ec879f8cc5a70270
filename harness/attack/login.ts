import { randomBytes } from "node:crypto";
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
}

// Runs in the app container with the app's own environment (DB_HOST, DB_PORT,
// DB_NAME), so it takes the app's network path and pg_hba rule. Errors are
// reduced to a class: a server message never carries the password, but only
// fixed text leaves the pod anyway.
const SCRIPT = `
import json, os, sys
import psycopg2
req = json.load(sys.stdin)
def attempt(user, password):
    try:
        c = psycopg2.connect(host=os.environ.get("DB_HOST", "postgres.postgres.svc"),
            port=int(os.environ.get("DB_PORT", "5432")), dbname=os.environ.get("DB_NAME", "postgres"),
            user=user, password=password, connect_timeout=5, application_name="secretproof-stolen-login")
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
  const input = JSON.stringify({ password, users: [...new Set(users)], wrong: `wrong-${randomBytes(12).toString("hex")}` });
  const r = await kube.exec(pod.namespace, pod.name, ["python3", "-c", SCRIPT], { container: pod.container, input, timeoutMs });
  const out = JSON.parse(r.stdout) as { attempts: LoginAttempt[]; wrong_password: LoginAttempt | null };
  return { at: new Date().toISOString(), attack, attempts: out.attempts, wrongPassword: out.wrong_password };
}

/** Problems with a login proof (empty when the stolen credential is proven live). */
export function loginProblems(p: LoginProof): string[] {
  const good = p.attempts.find((a) => a.ok);
  if (!good) return [`no candidate user logged in with the stolen password: ${JSON.stringify(p.attempts)}`];
  const out: string[] = [];
  if (good.current_user !== good.user) out.push(`logged in, but current_user is ${good.current_user}, not ${good.user}`);
  if (!p.wrongPassword || p.wrongPassword.ok || p.wrongPassword.reason !== "password authentication failed") {
    out.push(`a wrong password was not refused for ${good.user} (${JSON.stringify(p.wrongPassword)}): the login did not prove the password`);
  }
  return out;
}
