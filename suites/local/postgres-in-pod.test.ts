import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyLogin, judgeD4 } from "../../harness/claims/dynamic/index.ts";
import { newControlRoleName } from "../../harness/claims/dynamic/control-role.ts";
import { sweepControlRoles } from "../../harness/cluster/run/sweep.ts";
import { run } from "../../harness/core/exec.ts";
import { passfileLine } from "../../harness/postgres/in-pod.ts";
import { inPodPostgres, type InPodPostgres, type PodShell } from "../../harness/postgres/in-pod.ts";
import { startLocalPostgres, type LocalPostgres } from "../../harness/postgres/local-server.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/**
 * The in-pod collector's own commands (sh, psql, the password file) run here
 * against a real PostgreSQL 15: the same argv kubectl exec would carry into
 * postgres-0, with PGHOST/PGPORT standing in for the pod's socket.
 */
const profile = loadProfile();
let pg: LocalPostgres;
let dir: string;
let db: InPodPostgres;
const argvs: string[][] = [];
const target = () => ({ host: pg.host, port: pg.port, database: pg.database });

function localShell(env: Record<string, string>): PodShell {
  return {
    where: "local",
    exec: async (command, opts = {}) => {
      argvs.push([...command]);
      const [file, ...args] = command;
      return run(file as string, args, { timeoutMs: 20_000, env, input: opts.input, okExitCodes: opts.okExitCodes });
    },
  };
}

beforeAll(async () => {
  pg = await startLocalPostgres(profile);
  dir = await mkdtemp(join(tmpdir(), "secretproof-inpod-"));
  const adminPass = join(dir, "admin.pgpass");
  await writeFile(adminPass, passfileLine(pg.adminPassword).replace(/^\*:\*:\*:\*:/, "*:*:*:postgres:"), { mode: 0o600 });
  db = inPodPostgres(localShell({ PGHOST: pg.host, PGPORT: String(pg.port), PGPASSFILE: adminPass }));
});

afterAll(async () => {
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("in-pod Postgres collector against a real server", () => {
  it("snapshots pg_roles with Postgres's clock, and the control role stays listed with its long-past expiry", async () => {
    await db.createControlRole("v-secretproof-control-local");
    const s = await db.roles();
    expect(Math.abs(Date.parse(s.pgNow) - Date.now())).toBeLessThan(60_000);
    expect(s.rows).toContainEqual({ rolname: "v-secretproof-control-local", rolvaliduntil: "2000-01-01T00:00:00.000Z", rolcanlogin: false });
    expect(s.rows.some((r) => r.rolname === "postgres")).toBe(false);
    await db.dropRole("v-secretproof-control-local");
    expect((await db.roles()).rows.some((r) => r.rolname === "v-secretproof-control-local")).toBe(false);
  });

  it("the sweep drops the control roles a killed run left and keeps a role named as Vault names its credentials", async () => {
    const left = [newControlRoleName(), newControlRoleName()];
    for (const name of left) await db.createControlRole(name);
    const issued = `v-kubernet-secure-a-${randomBytes(10).toString("hex")}-1764590400`;
    await db.sql(`CREATE ROLE "${issued}" LOGIN`);
    expect((await sweepControlRoles(db)).sort()).toEqual(left.map((n) => `role ${n} dropped in postgres/postgres-0`).sort());
    const names = (await db.roles()).rows.map((r) => r.rolname);
    expect(names).toContain(issued);
    expect(names.filter((n) => left.includes(n))).toEqual([]);
    await db.dropRole(issued);
  });

  it("logs in with a password holding ':' and '\\' that never appears in any argv or leftover file", async () => {
    const password = `pa:ss\\wo${randomBytes(8).toString("hex")}`;
    await db.sql(`CREATE ROLE "v-root-secure-a-Tst-1795687200" LOGIN PASSWORD :'pw' VALID UNTIL 'infinity'`, { pw: password });
    argvs.length = 0;
    const a = await db.tryLogin(target(), "v-root-secure-a-Tst-1795687200", password, "test credential");
    expect(classifyLogin(a)).toMatchObject({ outcome: "accepted" });
    expect(argvs.flat().some((x) => x.includes(password))).toBe(false);
    const shm = await readdir("/dev/shm").catch(() => [] as string[]);
    expect(shm.filter((f) => f.startsWith("tmp."))).toEqual([]);
  });

  it("reports wrong passwords, dropped roles and expired roles as rejected, an unreachable server as an error", async () => {
    await db.sql(`CREATE ROLE "v-gone" LOGIN PASSWORD 'gone-password-1'`);
    await db.sql(`CREATE ROLE "v-expired" LOGIN PASSWORD 'expired-password-1' VALID UNTIL '2001-01-01 00:00:00+00'`);
    expect(classifyLogin(await db.tryLogin(target(), "v-gone", "gone-password-1", "test credential")).outcome).toBe("accepted");
    await db.dropRole("v-gone");
    expect(classifyLogin(await db.tryLogin(target(), "v-gone", "gone-password-1", "test credential")).outcome).toBe("rejected");
    expect(classifyLogin(await db.tryLogin(target(), "v-expired", "expired-password-1", "test credential")).outcome).toBe("rejected");
    expect(classifyLogin(await db.tryLogin(target(), "postgres", "not-the-admin-password", "test credential")).outcome).toBe("rejected");
    const closed = await db.tryLogin({ ...target(), port: 1 }, "postgres", "not-the-admin-password", "test credential");
    expect(classifyLogin(closed).outcome).toBe("error");
  });

  it("gives D4 a pass only when the old admin password fails and a live credential succeeds on the same path", async () => {
    const bootstrap = pg.adminPassword;
    const rotated = randomBytes(18).toString("base64url");
    await db.sql(`CREATE ROLE "v-live" LOGIN PASSWORD 'live-password-1'`);
    const before = await db.tryLogin(target(), "postgres", bootstrap, "bootstrap admin password");
    expect(classifyLogin(before).outcome).toBe("accepted");
    await db.sql(`ALTER ROLE postgres PASSWORD :'pw'`, { pw: rotated });
    const input = {
      bootstrap: await db.tryLogin(target(), "postgres", bootstrap, "bootstrap admin password"),
      wrongPassword: await db.tryLogin(target(), "postgres", randomBytes(12).toString("hex"), "random wrong password"),
      valid: await db.tryLogin(target(), "v-live", "live-password-1", "fresh dynamic credential"),
      rootUsername: "postgres",
    };
    await run("psql", ["-X", "-h", pg.host, "-p", String(pg.port), "-U", "postgres", "-d", "postgres", "-c", "SELECT 1"], {
      timeoutMs: 20_000,
      env: { PGPASSWORD: rotated },
    });
    expect(judgeD4(input, []).verdict).toBe("pass");
    expect(JSON.stringify(input)).not.toContain(bootstrap);
  });
});
