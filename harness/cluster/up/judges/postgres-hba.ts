/** A dotted-quad IPv4 address, as node:net isIPv4 accepts it (no leading zeros). */
const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]\\d|\\d)";
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`);
const isIPv4 = (s: string): boolean => IPV4.test(s);

/**
 * One row of PostgreSQL 15's pg_hba_file_rules as to_json prints it:
 * `database` and `user_name` are text[] (psql shows them as `{all}`), null
 * where a line has no such field, `error` set on a line that does not parse.
 */
export interface HbaRule {
  line_number: number;
  type: string | null;
  database: string[] | null;
  user_name: string[] | null;
  address: string | null;
  netmask: string | null;
  auth_method: string | null;
  error: string | null;
}

/** The rules in file order, one JSON array (json_agg keeps text[] as JSON arrays: no text parsing of `{…}`). */
export const HBA_RULES_SQL =
  "SELECT coalesce(json_agg(r ORDER BY r.line_number), '[]') FROM " +
  "(SELECT line_number, type, database, user_name, address, netmask, auth_method, error FROM pg_hba_file_rules) r";

/** psql's output of HBA_RULES_SQL as rows; throws naming what it got otherwise. */
export function parseHbaRules(text: string, where: string): HbaRule[] {
  let rows: unknown;
  try {
    rows = JSON.parse(text);
  } catch (err) {
    throw new Error(`pg_hba_file_rules in ${where} printed no JSON: ${text.slice(0, 200)}`, { cause: err });
  }
  const ok = (r: unknown) => typeof (r as HbaRule)?.line_number === "number";
  if (!Array.isArray(rows) || !rows.every(ok)) throw new Error(`pg_hba_file_rules in ${where} printed no list of rules: ${text.slice(0, 200)}`);
  return rows as HbaRule[];
}

export interface HbaExpectation {
  /** Who bring-up and the suites are over the Unix socket (no password). */
  socket: { database: string; user: string };
  /** Password logins over TCP: Vault's connection, D4's admin login, the app's Vault users. */
  tcp: { database: string; users: readonly string[]; address: string };
}

export interface HbaVerdict {
  ok: boolean;
  problems: string[];
  /** Which line decides each case, for the log. */
  summary: string;
}

type Match = boolean | "unknown";

const and = (a: Match, b: Match): Match => (a === false || b === false ? false : a === "unknown" || b === "unknown" ? "unknown" : true);
const or = (a: Match, b: Match): Match => (a === true || b === true ? true : a === "unknown" || b === "unknown" ? "unknown" : false);

/** pg_hba's database field against one connection (PostgreSQL 15 hba.c check_db). */
function databaseMatches(list: readonly string[], db: string, user: string): Match {
  return list.reduce<Match>((m, t) => {
    if (t === "all" || t === db) return or(m, true);
    if (t === "sameuser" || t === "samerole" || t === "samegroup") return or(m, db === user ? true : t === "sameuser" ? false : "unknown");
    if (t === "replication") return m;
    return or(m, t.startsWith("@") ? "unknown" : false);
  }, false);
}

/** pg_hba's user field (check_role): `+role` needs a membership only a server can tell, unless it is the user itself. */
function userMatches(list: readonly string[], user: string): Match {
  return list.reduce<Match>((m, t) => {
    if (t === "all" || t === user || t === `+${user}`) return or(m, true);
    return or(m, t.startsWith("+") || t.startsWith("@") ? "unknown" : false);
  }, false);
}

const v4 = (a: string) => a.split(".").reduce((n, o) => (n << 8) + Number(o), 0) >>> 0;

/** pg_hba's address field against an IPv4 client (check_hostname / check_ip); an IPv6 entry never matches one. */
function addressMatches(r: HbaRule, ip: string): Match {
  const a = r.address;
  if (a === "all") return true;
  if (!isIPv4(ip)) return "unknown";
  if (a && isIPv4(a) && r.netmask && isIPv4(r.netmask)) return ((v4(a) & v4(r.netmask)) >>> 0) === ((v4(ip) & v4(r.netmask)) >>> 0);
  if (a && a.includes(":")) return false;
  return "unknown";
}

const describe = (r: HbaRule) =>
  `line ${r.line_number} "${[r.type, r.database?.join(","), r.user_name?.join(","), r.address, r.netmask, r.auth_method].filter(Boolean).join(" ")}"`;

/** The first rule that matches, or a rule the judge cannot decide on (which then decides nothing). */
function firstMatch(rows: readonly HbaRule[], matches: (r: HbaRule) => Match): { rule?: HbaRule; unknown?: HbaRule } {
  for (const r of rows) {
    if (r.error) continue;
    const m = matches(r);
    if (m === true) return { rule: r };
    if (m === "unknown") return { unknown: r };
  }
  return {};
}

const IMAGE =
  "the postgres image runs initdb without --auth, so local connections are trusted, and appends " +
  '"host all all all <password_encryption>", scram-sha-256 on 14+ (docker-library/postgres 15/bookworm/docker-entrypoint.sh:92 initdb, :263-281 pg_setup_hba_conf)';
const PASSWORD_METHODS = new Set(["scram-sha-256", "md5"]);

function socketProblem(rows: readonly HbaRule[], e: HbaExpectation["socket"]): { problem?: string; line?: string } {
  const { rule, unknown } = firstMatch(rows, (r) => (r.type === "local" ? and(databaseMatches(r.database ?? [], e.database, e.user), userMatches(r.user_name ?? [], e.user)) : false));
  const who = `database ${e.database}, user ${e.user}`;
  const needs = `bring-up and the suites run psql as ${e.user} over postgres-0's socket without a password (harness/postgres/in-pod.ts); ${IMAGE}`;
  if (unknown) return { problem: `pg_hba.conf ${describe(unknown)} may match local connections (${who}); only the server can tell: ${needs}` };
  if (!rule) return { problem: `pg_hba.conf has no local rule for ${who}: ${needs}` };
  if (rule.auth_method !== "trust") return { problem: `pg_hba.conf's first local rule for ${who} is ${describe(rule)}, not trust: ${needs}` };
  return { line: `socket ${describe(rule)}` };
}

function tcpProblem(rows: readonly HbaRule[], e: HbaExpectation["tcp"], user: string): { problem?: string; line?: string } {
  // The server runs without ssl (the image's default), so hostssl and hostgssenc lines match no connection.
  const tcp = new Set(["host", "hostnossl", "hostnogssenc"]);
  const matches = (r: HbaRule): Match =>
    tcp.has(r.type ?? "") ? and(and(databaseMatches(r.database ?? [], e.database, user), userMatches(r.user_name ?? [], user)), addressMatches(r, e.address)) : false;
  const { rule, unknown } = firstMatch(rows, matches);
  const who = `${e.address} (database ${e.database}, user ${user})`;
  const needs = `D4 and the login checks need Postgres to check passwords over the pod IP; ${IMAGE}`;
  if (unknown) return { problem: `pg_hba.conf ${describe(unknown)} may match TCP logins from ${who}; only the server can tell: ${needs}` };
  if (!rule) return { problem: `pg_hba.conf has no host rule for ${who}, so Postgres refuses every login from there: ${needs}` };
  if (!PASSWORD_METHODS.has(rule.auth_method ?? "")) return { problem: `pg_hba.conf's first host rule for ${who} is ${describe(rule)}, which checks no password: ${needs}` };
  return { line: `${e.address} as ${user}: ${describe(rule)}` };
}

/**
 * Whether Postgres authenticates as bring-up and the suites assume, from its
 * parsed pg_hba.conf: the first `local` rule for the superuser is trust (every
 * query over postgres-0's socket), and the first TCP rule for a non-loopback
 * address checks passwords with scram-sha-256 or md5 (D4, and every login
 * check, would pass a trusted login as proof). First match wins, as in
 * PostgreSQL's check_hba (src/backend/libpq/hba.c); a line whose match
 * depends on server state (samehost, +group, @file, a host name) fails the
 * check rather than be guessed.
 */
export function judgeHbaRules(rows: readonly HbaRule[], e: HbaExpectation): HbaVerdict {
  const broken = rows.filter((r) => r.error).map((r) => `pg_hba.conf line ${r.line_number} does not parse: ${r.error}`);
  const results = [socketProblem(rows, e.socket), ...e.tcp.users.map((u) => tcpProblem(rows, e.tcp, u))];
  const problems = [...broken, ...results.flatMap((r) => (r.problem ? [r.problem] : []))];
  return { ok: problems.length === 0, problems, summary: results.flatMap((r) => (r.line ? [r.line] : [])).join("; ") };
}
