/**
 * A throwaway PostgreSQL the local tier starts itself: initdb into a temp
 * dir, listen on 127.0.0.1 on a free port, scram-sha-256 password auth for
 * every TCP connection (so a rejected password is observable), removed on
 * stop. PostgreSQL refuses to run as root, so under uid 0 every server
 * command runs as `nobody` through setpriv, with the data dir chowned to it.
 */
import { randomBytes } from "node:crypto";
import { chown, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toMs } from "../../clusters/duration.ts";
import { PermanentError, tail } from "../core/errors.ts";
import { run } from "../core/exec.ts";
import { findPgBindir } from "../core/locate.ts";
import { freePort } from "../core/net.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { Profile } from "../profile.ts";
import { connectPostgres, type PgConnection, type PgEndpoint, type PgLogin } from "./client.ts";

export interface LocalPostgres extends PgEndpoint {
  readonly adminUser: string;
  readonly adminPassword: string;
  readonly bindir: string;
  /** Login parameters for `user`/`password` against this server. */
  login(user: string, password: string): PgLogin;
  /** Connects as the admin, or as another role. */
  connect(as?: { user: string; password: string }): Promise<PgConnection>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

interface RunAs {
  uid: number;
  gid: number;
}

const ADMIN = "postgres";

async function unprivilegedUser(timeoutMs: number): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const id = async (flag: string) => Number((await run("id", [flag, "nobody"], { timeoutMs })).stdout.trim());
  return { uid: await id("-u"), gid: await id("-g") };
}

function command(as: RunAs | undefined, file: string, args: string[]): [string, string[]] {
  if (!as) return [file, args];
  return ["setpriv", [`--reuid=${as.uid}`, `--regid=${as.gid}`, "--clear-groups", "--", file, ...args]];
}

async function initdb(bindir: string, dir: string, as: RunAs | undefined, password: string, timeoutMs: number) {
  const pwfile = join(dir, "pwfile");
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  if (as) await chown(pwfile, as.uid, as.gid);
  const args = ["-D", join(dir, "data"), "-U", ADMIN, `--pwfile=${pwfile}`, "--auth=scram-sha-256"];
  const [file, argv] = command(as, join(bindir, "initdb"), [...args, "--encoding=UTF8", "--locale=C", "--no-sync"]);
  try {
    await run(file, argv, { timeoutMs, env: { LC_ALL: "C" } });
  } finally {
    await rm(pwfile, { force: true });
  }
}

async function pgCtl(bindir: string, dir: string, as: RunAs | undefined, args: string[], timeoutMs: number, red = defaultRedactor) {
  const [file, argv] = command(as, join(bindir, "pg_ctl"), ["-D", join(dir, "data"), ...args]);
  try {
    await run(file, argv, { timeoutMs });
  } catch (err) {
    // The log quotes failed statements, passwords included (log_min_error_statement).
    const log = red.redact(await readFile(join(dir, "server.log"), "utf8").catch(() => "(no server log)"));
    throw new Error(`pg_ctl ${args.at(-1)} failed for ${dir}; server log:\n${tail(log)}`, { cause: err });
  }
}

async function startOn(bindir: string, dir: string, as: RunAs | undefined, port: number, timeoutMs: number) {
  // As in the cluster: failed statements (CREATE ROLE … PASSWORD '…') are not written to the server log.
  const opts = `-F -p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c max_connections=40 -c log_min_error_statement=panic`;
  await pgCtl(bindir, dir, as, ["-l", join(dir, "server.log"), "-o", opts, "-w", "-t", String(Math.ceil(timeoutMs / 1000)), "start"], timeoutMs);
}

/** Starts a fresh server; retries on another port if the chosen one was taken meanwhile. */
export async function startLocalPostgres(profile: Profile, red: Redactor = defaultRedactor): Promise<LocalPostgres> {
  const bindir = await findPgBindir();
  if (!bindir) throw new PermanentError("PostgreSQL server binaries not found (run `secretproof preflight --tier local`)");
  const timeoutMs = toMs(profile.local.serverStart);
  const as = await unprivilegedUser(timeoutMs);
  const dir = await mkdtemp(join(tmpdir(), "secretproof-pg-"));
  if (as) await chown(dir, as.uid, as.gid);
  const adminPassword = randomBytes(18).toString("base64url");
  red.register(adminPassword, "local postgres admin password");
  try {
    await initdb(bindir, dir, as, adminPassword, timeoutMs);
    const port = await startWithRetry(bindir, dir, as, timeoutMs);
    return handle({ bindir, dir, as, port, adminPassword, timeoutMs, red });
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

async function startWithRetry(bindir: string, dir: string, as: RunAs | undefined, timeoutMs: number): Promise<number> {
  let lastErr: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    try {
      await startOn(bindir, dir, as, port, timeoutMs);
      return port;
    } catch (err) {
      lastErr = err;
      const log = await readFile(join(dir, "server.log"), "utf8").catch(() => "");
      if (!/could not (bind|create listen)/i.test(log)) throw err;
    }
  }
  throw lastErr;
}

interface HandleParts {
  bindir: string;
  dir: string;
  as: RunAs | undefined;
  port: number;
  adminPassword: string;
  timeoutMs: number;
  red: Redactor;
}

function handle(p: HandleParts): LocalPostgres {
  const endpoint = { host: "127.0.0.1", port: p.port, database: "postgres" };
  const login = (user: string, password: string): PgLogin => ({ ...endpoint, user, password, timeoutMs: p.timeoutMs });
  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      try {
        await pgCtl(p.bindir, p.dir, p.as, ["-m", "immediate", "-w", "stop"], p.timeoutMs, p.red);
      } finally {
        await rm(p.dir, { recursive: true, force: true });
      }
    })());
  return {
    ...endpoint,
    adminUser: ADMIN,
    adminPassword: p.adminPassword,
    bindir: p.bindir,
    login,
    connect: (as) => connectPostgres(login(as?.user ?? ADMIN, as?.password ?? p.adminPassword), p.red),
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
