import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectTimeoutSeconds, LOGIN_SCRIPT } from "../../harness/attack/login.ts";
import { findPython } from "../../harness/core/locate.ts";
import { startLocalPostgres, type LocalPostgres } from "../../harness/postgres/local-server.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/** The stolen-credential login script F1 runs in the app container, run by python3 + psycopg2 against a real PostgreSQL 15. */
let server: LocalPostgres;
let python: string;
const ROLE = "v-kubernet-login-Ab12Cd34Ef56Gh78Ij90-1796141405";
const PASSWORD = "stolen-local-password-7f3a";

beforeAll(async () => {
  const py = await findPython();
  if (!py) throw new Error("no python3 that imports psycopg2 (apt-get install python3-psycopg2, or set SECRETPROOF_PYTHON)");
  python = py;
  server = await startLocalPostgres(loadProfile());
  const admin = await server.connect();
  try {
    await admin.query(`CREATE ROLE "${ROLE}" WITH LOGIN PASSWORD '${PASSWORD}'`);
  } finally {
    await admin.close();
  }
});

afterAll(async () => {
  await server?.stop();
});

function runScript(users: string[], password: string): { attempts: { user: string; ok: boolean; current_user?: string; reason?: string }[]; wrong_password: { ok: boolean; reason?: string } | null } {
  const input = JSON.stringify({ password, users, wrong: "wrong-0123456789abcdef", connect_timeout: connectTimeoutSeconds(10_000, users.length) });
  const env = { ...process.env, DB_HOST: server.host, DB_PORT: String(server.port), DB_NAME: server.database };
  const r = spawnSync(python, ["-c", LOGIN_SCRIPT], { input, env, encoding: "utf8", timeout: 20_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ReturnType<typeof runScript>;
}

describe("the stolen-credential login on a real PostgreSQL 15", () => {
  it("the stolen password logs in as its role, a role it does not belong to is refused, and the same role with a wrong password is refused", () => {
    const out = runScript(["v-kubernet-login-no-such-role-1796141405", ROLE], PASSWORD);
    expect(out.attempts).toEqual([
      { user: "v-kubernet-login-no-such-role-1796141405", ok: false, reason: "password authentication failed" },
      { user: ROLE, ok: true, current_user: ROLE },
    ]);
    expect(out.wrong_password).toEqual({ user: ROLE, ok: false, reason: "password authentication failed" });
  });

  it("a password that belongs to no candidate logs in nowhere, and no wrong-password attempt is made", () => {
    const out = runScript([ROLE], "not-the-password");
    expect(out.attempts).toEqual([{ user: ROLE, ok: false, reason: "password authentication failed" }]);
    expect(out.wrong_password).toBeNull();
  });

  it("each connection gets a share of the exec's deadline, at least libpq's 2-second minimum", () => {
    expect(connectTimeoutSeconds(120_000, 2)).toBe(30);
    expect(connectTimeoutSeconds(3_000, 4)).toBe(2);
  });
});
