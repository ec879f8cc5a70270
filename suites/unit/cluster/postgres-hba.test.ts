import { describe, expect, it } from "vitest";
import { HBA_RULES_SQL, judgeHbaRules, parseHbaRules, type HbaRule } from "../../../harness/cluster/up/judges/postgres-hba.ts";

/**
 * psql's output of HBA_RULES_SQL on PostgreSQL 15.18 after `initdb` with its
 * default (trust) authentication and the postgres image's appended line
 * "host all all all scram-sha-256" (docker-entrypoint.sh pg_setup_hba_conf):
 * what postgres-0 holds. psql's table view shows the same rows with
 * database/user_name as {all}.
 */
const IMAGE_RULES = `[{"line_number":89,"type":"local","database":["all"],"user_name":["all"],"address":null,"netmask":null,"auth_method":"trust","error":null}, 
 {"line_number":91,"type":"host","database":["all"],"user_name":["all"],"address":"127.0.0.1","netmask":"255.255.255.255","auth_method":"trust","error":null}, 
 {"line_number":93,"type":"host","database":["all"],"user_name":["all"],"address":"::1","netmask":"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff","auth_method":"trust","error":null}, 
 {"line_number":96,"type":"local","database":["replication"],"user_name":["all"],"address":null,"netmask":null,"auth_method":"trust","error":null}, 
 {"line_number":97,"type":"host","database":["replication"],"user_name":["all"],"address":"127.0.0.1","netmask":"255.255.255.255","auth_method":"trust","error":null}, 
 {"line_number":98,"type":"host","database":["replication"],"user_name":["all"],"address":"::1","netmask":"ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff","auth_method":"trust","error":null}, 
 {"line_number":100,"type":"host","database":["all"],"user_name":["all"],"address":"all","netmask":null,"auth_method":"scram-sha-256","error":null}]
`;

const expected = {
  socket: { database: "postgres", user: "postgres" },
  tcp: { database: "postgres", users: ["postgres", "v-kubernet-secure-a-AbC123-1778273950"], address: "10.244.0.9" },
};
const rules = () => parseHbaRules(IMAGE_RULES, "postgres/postgres-0");
const rule = (line: number, type: string, address: string | null, netmask: string | null, method: string, user = "all"): HbaRule => ({
  line_number: line,
  type,
  database: ["all"],
  user_name: [user],
  address,
  netmask,
  auth_method: method,
  error: null,
});

describe("pg_hba.conf as bring-up and the suites rely on it", () => {
  it("holds for the postgres image's rules: socket trust (line 89), passwords over the pod IP (line 100)", () => {
    const v = judgeHbaRules(rules(), expected);
    expect(v).toMatchObject({ ok: true, problems: [] });
    expect(v.summary).toBe(
      'socket line 89 "local all all trust"; 10.244.0.9 as postgres: line 100 "host all all all scram-sha-256"; ' +
        '10.244.0.9 as v-kubernet-secure-a-AbC123-1778273950: line 100 "host all all all scram-sha-256"',
    );
  });

  it("reads the rules in file order from one json_agg", () => {
    expect(HBA_RULES_SQL).toMatch(/json_agg\(r ORDER BY r\.line_number\)/);
    expect(rules().map((r) => r.line_number)).toEqual([89, 91, 93, 96, 97, 98, 100]);
    expect(rules()[0]?.database).toEqual(["all"]);
  });

  it("fails when a trusted TCP line for the pod network comes first (POSTGRES_HOST_AUTH_METHOD=trust, or a CIDR line)", () => {
    const trustAll = rules().map((r) => (r.line_number === 100 ? { ...r, auth_method: "trust" } : r));
    const v = judgeHbaRules(trustAll, expected);
    expect(v.ok).toBe(false);
    expect(v.problems[0]).toBe(
      'pg_hba.conf\'s first host rule for 10.244.0.9 (database postgres, user postgres) is line 100 "host all all all trust", which checks no password: ' +
        "D4 and the login checks need Postgres to check passwords over the pod IP; the postgres image runs initdb without --auth, so local connections are trusted, " +
        'and appends "host all all all <password_encryption>", scram-sha-256 on 14+ (docker-library/postgres 15/bookworm/docker-entrypoint.sh:92 initdb, :263-281 pg_setup_hba_conf)',
    );
    const cidr = [rule(99, "host", "10.244.0.0", "255.255.0.0", "trust"), ...rules()];
    expect(judgeHbaRules(cidr, expected).problems).toHaveLength(2);
  });

  it("is not fooled by loopback, IPv6, other networks, replication or hostssl lines that come first", () => {
    const decoys = [
      rule(80, "host", "10.96.0.0", "255.255.0.0", "trust"),
      rule(81, "host", "fe80::", "ffff:ffff:ffff:ffff::", "trust"),
      rule(82, "hostssl", "all", null, "trust"),
      { ...rule(83, "host", "all", null, "trust"), database: ["replication"] },
      rule(84, "host", "all", null, "trust", "someone-else"),
    ];
    expect(judgeHbaRules([...decoys, ...rules()], expected).ok).toBe(true);
  });

  it("accepts md5 as a password method", () => {
    const md5 = rules().map((r) => (r.line_number === 100 ? { ...r, auth_method: "md5" } : r));
    expect(judgeHbaRules(md5, expected).ok).toBe(true);
  });

  it("fails when the socket needs a password (initdb --auth-local=scram-sha-256), or no local line matches", () => {
    const scramLocal = rules().map((r) => (r.line_number === 89 ? { ...r, auth_method: "scram-sha-256" } : r));
    expect(judgeHbaRules(scramLocal, expected).problems).toEqual([
      expect.stringMatching(/^pg_hba\.conf's first local rule for database postgres, user postgres is line 89 "local all all scram-sha-256", not trust: bring-up and the suites run psql as postgres over postgres-0's socket without a password/),
    ]);
    const noLocal = rules().filter((r) => r.line_number !== 89);
    expect(judgeHbaRules(noLocal, expected).problems[0]).toMatch(/^pg_hba\.conf has no local rule for database postgres, user postgres:/);
  });

  it("fails rather than guess on lines whose match depends on the server (samenet, +group, host names)", () => {
    for (const first of [rule(50, "host", "samenet", null, "trust"), rule(50, "host", "all", null, "trust", "+admins"), rule(50, "host", ".cluster.local", null, "trust")]) {
      expect(judgeHbaRules([first, ...rules()], expected).problems[0]).toMatch(/^pg_hba\.conf line 50 ".*" may match TCP logins from 10\.244\.0\.9/);
    }
  });

  it("fails when no TCP line matches (Postgres would refuse every login) or a line does not parse", () => {
    const noHost = rules().filter((r) => r.line_number !== 100);
    expect(judgeHbaRules(noHost, expected).problems[0]).toMatch(/^pg_hba\.conf has no host rule for 10\.244\.0\.9 \(database postgres, user postgres\), so Postgres refuses every login/);
    const broken: HbaRule = { ...rule(101, "host", null, null, "trust"), type: null, error: 'invalid authentication method "trsut"' };
    expect(judgeHbaRules([...rules(), broken], expected).problems).toEqual(['pg_hba.conf line 101 does not parse: invalid authentication method "trsut"']);
  });

  it("names malformed output", () => {
    expect(() => parseHbaRules("psql: error: connection to server failed", "postgres/postgres-0")).toThrow(/pg_hba_file_rules in postgres\/postgres-0 printed no JSON: psql: error/);
    expect(() => parseHbaRules('{"line_number":1}', "postgres/postgres-0")).toThrow(/printed no list of rules/);
  });
});
