import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HBA_RULES_SQL, judgeHbaRules, parseHbaRules } from "../../harness/cluster/up/judges/postgres-hba.ts";
import { run } from "../../harness/core/exec.ts";
import { inPodPostgres, passfileLine, type InPodPostgres } from "../../harness/postgres/in-pod.ts";
import { startLocalPostgres, type LocalPostgres } from "../../harness/postgres/local-server.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/**
 * The pg_hba check's query and parser against a real PostgreSQL 15. This
 * server was made with `initdb --auth=scram-sha-256` and listens on loopback
 * only: the opposite of postgres-0 on both counts, so the judge must refuse it.
 */
let pg: LocalPostgres;
let dir: string;
let db: InPodPostgres;

beforeAll(async () => {
  pg = await startLocalPostgres(loadProfile());
  dir = await mkdtemp(join(tmpdir(), "secretproof-hba-"));
  const pass = join(dir, "admin.pgpass");
  await writeFile(pass, passfileLine(pg.adminPassword), { mode: 0o600 });
  const env = { PGHOST: pg.host, PGPORT: String(pg.port), PGPASSFILE: pass };
  db = inPodPostgres({ where: "local", exec: ([file, ...args], o = {}) => run(file as string, args, { timeoutMs: 20_000, env, ...o }) });
});

afterAll(async () => {
  await pg?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("pg_hba_file_rules read from a real PostgreSQL 15", () => {
  it("comes back as rows with text[] database and user lists, in file order", async () => {
    const rows = parseHbaRules(await db.sql(HBA_RULES_SQL), "local");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.map((r) => r.line_number)).toEqual([...rows.map((r) => r.line_number)].sort((a, b) => a - b));
    expect(rows.find((r) => r.type === "local")).toMatchObject({ database: ["all"], user_name: ["all"], address: null, auth_method: "scram-sha-256", error: null });
  });

  it("is refused by the judge: the socket needs a password and no TCP line covers a pod address", async () => {
    const rows = parseHbaRules(await db.sql(HBA_RULES_SQL), "local");
    const v = judgeHbaRules(rows, { socket: { database: "postgres", user: "postgres" }, tcp: { database: "postgres", users: ["postgres"], address: "10.244.0.9" } });
    expect(v.ok).toBe(false);
    expect(v.problems).toEqual([
      expect.stringMatching(/^pg_hba\.conf's first local rule for database postgres, user postgres is line \d+ "local all all scram-sha-256", not trust/),
      expect.stringMatching(/^pg_hba\.conf has no host rule for 10\.244\.0\.9 \(database postgres, user postgres\)/),
    ]);
  });
});
