import { describe, expect, it } from "vitest";
import { parseRolesSnapshot, quoteIdent, ROLES_SNAPSHOT_PSQL, ROLES_SNAPSHOT_SQL } from "../../harness/postgres/roles.ts";

describe("pg_roles snapshot collector", () => {
  it("parses the server-rendered JSON rows", () => {
    const text = '[{"rolname":"v-kubernet-secure-a-x-1","rolvaliduntil":"2026-05-08T16:24:19.000Z","rolcanlogin":true},{"rolname":"v-o","rolvaliduntil":null,"rolcanlogin":false}]\n';
    expect(parseRolesSnapshot(text)).toEqual([
      { rolname: "v-kubernet-secure-a-x-1", rolvaliduntil: "2026-05-08T16:24:19.000Z", rolcanlogin: true },
      { rolname: "v-o", rolvaliduntil: null, rolcanlogin: false },
    ]);
    expect(parseRolesSnapshot("[]")).toEqual([]);
  });

  it("rejects output that is not a snapshot instead of reading it as 'no roles'", () => {
    expect(() => parseRolesSnapshot("")).toThrow(/not JSON/);
    expect(() => parseRolesSnapshot("psql: error: connection refused")).toThrow(/not JSON/);
    expect(() => parseRolesSnapshot('[{"rolname":"v-a","rolcanlogin":"t"}]')).toThrow(/unexpected shape/);
  });

  it("binds the prefix ($1 for the driver, :'prefix' for psql) and never splices it", () => {
    expect(ROLES_SNAPSHOT_SQL).toMatch(/starts_with\(rolname, \$1\)$/);
    expect(ROLES_SNAPSHOT_PSQL).toMatch(/starts_with\(rolname, :'prefix'\);\n$/);
  });

  it("double-quotes identifiers and doubles embedded quotes", () => {
    expect(quoteIdent("v-Kubernet-X")).toBe('"v-Kubernet-X"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
  });
});
