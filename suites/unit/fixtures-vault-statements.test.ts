import { describe, expect, it } from "vitest";
import { creationStatements } from "../../fixtures/vault/definitions.ts";
import {
  isMultiline,
  MAX_USERNAME_LENGTH,
  renderQueries,
  splitStatements,
  vaultExpiration,
  vaultPassword,
  vaultRoleExpiry,
  vaultUsername,
} from "../../harness/postgres/vault-statements.ts";

const at = new Date("2026-05-08T16:19:14.750Z");

describe("rendering role statements the way Vault's PostgreSQL plugin does", () => {
  it("builds usernames from 8 chars of display name and role, 20 random, unix time", () => {
    const name = vaultUsername({ displayName: "kubernetes-test-dynamic-default", roleName: "dynamic-app-role", now: at, random: "XrqklZNhLjkrgBfY4gq9" });
    expect(name).toBe("v-kubernet-dynamic--XrqklZNhLjkrgBfY4gq9-1778257154");
  });

  it("truncates usernames to PostgreSQL's 63-character identifier limit", () => {
    const long = vaultUsername({ displayName: "d", roleName: "r", now: at, random: "R".repeat(80) });
    expect(long).toHaveLength(MAX_USERNAME_LENGTH);
    expect(vaultUsername({ displayName: "k", roleName: "r", now: at })).toMatch(/^v-k-r-[0-9A-Za-z]{20}-1778257154$/);
  });

  it("formats the expiration with Go's layout 2006-01-02 15:04:05-0700, seconds truncated", () => {
    expect(vaultExpiration(at)).toBe("2026-05-08 16:19:14+0000");
    expect(vaultExpiration(at, -420)).toBe("2026-05-08 09:19:14-0700");
    expect(vaultExpiration(at, 330)).toBe("2026-05-08 21:49:14+0530");
  });

  it("sets the role expiry 5 seconds past the lease TTL", () => {
    expect(vaultRoleExpiry(at, 45_000).toISOString()).toBe("2026-05-08T16:20:04.750Z");
  });

  it("generates 20-character passwords with lower, upper, digit and dash", () => {
    for (let i = 0; i < 50; i++) {
      const p = vaultPassword();
      expect(p).toMatch(/^[-0-9A-Za-z]{20}$/);
      for (const re of [/[a-z]/, /[A-Z]/, /\d/, /-/]) expect(p).toMatch(re);
    }
  });

  it("splits statements on semicolons and fills every placeholder by plain text", () => {
    const q = renderQueries(creationStatements, { name: "v-a-b-c-1", password: "pw-1", expiration: "2026-05-08 16:19:14+0000" });
    expect(q).toEqual([
      `CREATE ROLE "v-a-b-c-1" WITH LOGIN PASSWORD 'pw-1' VALID UNTIL '2026-05-08 16:19:14+0000'`,
      `GRANT SELECT ON ALL TABLES IN SCHEMA public TO "v-a-b-c-1"`,
    ]);
  });

  it("keeps a statement with an END keyword whole, like Vault's multi-line check", () => {
    const block = `DO $$ BEGIN CREATE ROLE "{{name}}"; END $$;`;
    expect(isMultiline(block)).toBe(true);
    expect(isMultiline(`GRANT SELECT ON "APPEND" TO "{{name}}";`)).toBe(false);
    expect(splitStatements([block, "A; B;"])).toEqual([block, "A", "B"]);
  });
});
