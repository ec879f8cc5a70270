import type { LoginAttempt } from "./login-attempt.ts";
import { PermanentError, tail } from "../core/errors.ts";
import { describeCommand } from "../core/command-line.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import { execExit, kubectlFailure } from "../kube/exec-exit.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { parseRolesSnapshot, quoteIdent, ROLES_SNAPSHOT_PSQL, type PgRolesSnapshot } from "./roles.ts";

/**
 * Postgres as seen from inside its own pod: queries go to the local socket
 * as the superuser (the image's `local all all trust`), so they keep working
 * after Vault rotates the admin password. Password logins go over TCP to an
 * address that pg_hba makes check passwords.
 */

export interface ShellResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs commands where Postgres runs (a pod, a container, a local server's host). */
export interface PodShell {
  /** Where the commands run, for messages: "postgres/postgres-0". */
  readonly where: string;
  exec(command: readonly string[], opts?: { input?: string; okExitCodes?: number[] }): Promise<ShellResult>;
}

/**
 * A PodShell over `kubectl exec` (stdin through `-i`). An accepted non-zero
 * exit counts only when the container reported it: kubectl's own failure
 * (exit 1, e.g. "error: unable to upgrade connection") would otherwise pass
 * for psql's exit 1 (harness/kube/exec-exit.ts). The result's stderr is the
 * command's own, without kubectl's "command terminated" line.
 */
export function kubectlShell(kube: Kubectl, namespace: string, pod: string, container?: string, red: Redactor = defaultRedactor): PodShell {
  return {
    where: `${namespace}/${pod}`,
    async exec(command, opts = {}) {
      const r = await kube.exec(namespace, pod, command, { ...opts, ...(container ? { container } : {}) });
      const x = execExit(r.exitCode, r.stderr);
      if (x.origin === "kubectl") throw new Error(kubectlFailure(r.command, r.exitCode, red.redact(r.stderr)));
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: x.stderr };
    },
  };
}

/**
 * A PodShell over an exec that reports exit codes rather than throwing, such
 * as a container's exec. It has no stdin, so it cannot carry password logins.
 */
export function execShell(where: string, exec: (command: string[]) => Promise<ShellResult>, red: Redactor = defaultRedactor): PodShell {
  return {
    where,
    async exec(command, opts = {}) {
      const line = red.redact(describeCommand(command[0] ?? "", command.slice(1)));
      if (opts.input !== undefined) throw new PermanentError(`${where} cannot feed stdin to ${line}`);
      const r = await exec([...command]);
      if (r.exitCode !== 0 && !(opts.okExitCodes ?? []).includes(r.exitCode)) {
        throw new Error(`${line} in ${where} exited ${r.exitCode}; stderr:\n${red.redact(tail(r.stderr)) || "(empty)"}`);
      }
      return r;
    },
  };
}

/** Where a password login is sent: host, port and database. */
export interface LoginTarget {
  host: string;
  port: number;
  database: string;
}

export interface InPodPostgres {
  /** The roles whose names start with `prefix` (default "v-"), with Postgres's own now(). */
  roles(prefix?: string): Promise<PgRolesSnapshot>;
  /** Runs SQL as the superuser over the socket; returns psql's unaligned, tuples-only output. */
  sql(statement: string, vars?: Record<string, string>): Promise<string>;
  /** A role made here, outside Vault, NOLOGIN, whose VALID UNTIL is long past. */
  createControlRole(name: string): Promise<void>;
  dropRole(name: string): Promise<void>;
  /** One password login over TCP that runs `SELECT current_user`. */
  tryLogin(target: LoginTarget, user: string, password: string, credential: string): Promise<LoginAttempt>;
}

/**
 * psql as the superuser over the local socket, reading SQL from stdin so
 * that `:'var'` interpolation works. The SQL travels as an argument to `sh`,
 * which pipes it in, so a transport without stdin (a container exec) works too.
 */
const PSQL_SCRIPT = 's="$1" u="$2" d="$3"; shift 3; printf "%s" "$s" | psql -X -v ON_ERROR_STOP=1 -U "$u" -d "$d" -A -t "$@" -f -';

/** A past VALID UNTIL for the control role: Postgres does not drop expired roles, only Vault drops its own. */
export const CONTROL_VALID_UNTIL = "2000-01-01 00:00:00+00";

/** Role names the harness itself creates or drops: no quoting surprises. */
function safeRoleName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new PermanentError(`refusing role name ${JSON.stringify(name)}`);
  return quoteIdent(name);
}

/** A ~/.pgpass line matching any host, port, database and user (libpq escapes `\` and `:`). */
export function passfileLine(password: string): string {
  if (/[\r\n]/.test(password)) throw new PermanentError("a password with a line break cannot go into a password file");
  return `*:*:*:*:${password.replaceAll("\\", "\\\\").replaceAll(":", "\\:")}\n`;
}

/**
 * The login script. The password arrives on stdin and goes into a 0600 file
 * in RAM (/dev/shm, else $TMPDIR) that psql reads as PGPASSFILE and that is
 * removed on exit: it never appears in an argv or environment, of kubectl or
 * of psql. `-w` makes psql fail rather than prompt.
 */
export const LOGIN_SCRIPT = [
  "umask 077",
  'f=$(mktemp -p /dev/shm 2>/dev/null || mktemp) || exit 90',
  "trap 'rm -f \"$f\"' EXIT",
  'cat > "$f"',
  'PGPASSFILE="$f" psql -X -w -At -h "$1" -p "$2" -d "$3" -U "$4" -c "SELECT current_user"',
].join("\n");

/** The snapshot query's output: now() as a JSON string on the first line, then the roles' JSON. */
function parseSnapshot(at: string, stdout: string, where: string): PgRolesSnapshot {
  const nl = stdout.indexOf("\n");
  let pgNow: unknown;
  try {
    pgNow = JSON.parse(stdout.slice(0, nl));
  } catch (err) {
    throw new Error(`pg_roles query in ${where} printed no now(): ${stdout.slice(0, 200)}`, { cause: err });
  }
  if (typeof pgNow !== "string") throw new Error(`pg_roles query in ${where} printed no now(): ${stdout.slice(0, 200)}`);
  return { at, pgNow, rows: parseRolesSnapshot(stdout.slice(nl + 1)) };
}

export function inPodPostgres(shell: PodShell, opts: { superuser?: string; database?: string; redactor?: Redactor } = {}): InPodPostgres {
  const superuser = opts.superuser ?? "postgres";
  const database = opts.database ?? "postgres";
  const red = opts.redactor ?? defaultRedactor;
  const sql = async (statement: string, vars: Record<string, string> = {}) => {
    const v = Object.entries(vars).flatMap(([k, val]) => ["-v", `${k}=${val}`]);
    return (await shell.exec(["sh", "-c", PSQL_SCRIPT, "sh", statement, superuser, database, ...v])).stdout;
  };
  return {
    sql,
    async roles(prefix = "v-") {
      const at = new Date().toISOString();
      return parseSnapshot(at, await sql(`SELECT to_json(now());\n${ROLES_SNAPSHOT_PSQL}`, { prefix }), shell.where);
    },
    async createControlRole(name) {
      const q = safeRoleName(name);
      await sql(`DROP ROLE IF EXISTS ${q}; CREATE ROLE ${q} NOLOGIN VALID UNTIL '${CONTROL_VALID_UNTIL}'`);
    },
    async dropRole(name) {
      await sql(`DROP ROLE IF EXISTS ${safeRoleName(name)}`);
    },
    async tryLogin(target, user, password, credential) {
      red.register(password, credential);
      const at = new Date().toISOString();
      // psql exits 2 when the connection fails (a refused password among other causes: EXIT_BADCONN,
      // src/bin/psql/startup.c after PQconnectdbParams), 1 when its -c query fails (EXIT_FAILURE);
      // 0 ok, 3 a script error under ON_ERROR_STOP (psql docs, "Exit Status"). The judge reads the
      // server's message, not the code, to tell a refused password from other failures.
      const r = await shell.exec(["sh", "-c", LOGIN_SCRIPT, "sh", target.host, String(target.port), target.database, user], {
        input: passfileLine(password),
        okExitCodes: [1, 2],
      });
      const clean = (s: string) => red.redact(s);
      return { at, user, ...target, credential, exitCode: r.exitCode, stdout: clean(r.stdout), stderr: clean(r.stderr) };
    },
  };
}

/** The pod's own IP: a TCP login to it meets `host all all all <password method>`, not the image's 127.0.0.1 trust line. */
export async function podAddress(kube: Kubectl, namespace: string, pod: string): Promise<string> {
  const p = await kube.json<{ status?: { podIP?: string } }>(["-n", namespace, "get", "pod", pod]);
  const ip = p.status?.podIP;
  if (!ip) throw new Error(`pod ${namespace}/${pod} has no IP yet (kubectl get pod printed no status.podIP)`);
  return ip;
}
