import { describe, expect, it } from "vitest";
import { revokeFailureLines, revokeFailures } from "../../../harness/vault/revoke-log.ts";
import { VAULT_LOG_ONE_LINE, VAULT_LOG_MULTI_LINE, VAULT_LOG_OTHER } from "../../support/dynamic-lingering-fixtures.ts";

describe("Vault's log lines about failed lease revocations", () => {
  it("reads lease, error (quotes unescaped), attempt and time from go-hclog's one-line form", () => {
    expect(revokeFailures(VAULT_LOG_ONE_LINE.split("\n"))).toEqual([
      {
        leaseId: "database/creds/secure-app-dynamic/Q2w3E4r5T6y7U8i9O0pA0",
        error:
          'failed to revoke entry: resp: (*logical.Response)(nil) err: ERROR: role "v-kubernet-secure-a-XrqklZNhLjkrgBfY4gq9-1795687200" cannot be dropped because some objects depend on it (SQLSTATE 2BP01)',
        attempts: 2,
        at: "2026-11-26T10:01:17.312Z",
      },
    ]);
  });

  it("reads an error that spans lines from go-hclog's multi-line form, blank lines trimmed or not", () => {
    for (const log of [VAULT_LOG_MULTI_LINE, VAULT_LOG_MULTI_LINE.replace(/ +$/gm, "")]) {
      const [f, ...rest] = revokeFailures(log.split("\n"));
      expect(rest).toEqual([]);
      expect(f?.leaseId).toBe("database/creds/secure-app-dynamic/aSdFgHjKlZxCvBnM12341");
      expect(f?.error).toBe('1 error occurred:\n\\t* pq: role "v-kubernet-secure-a-knk9iBKfTsC5NYDToIzC-1795687215" does not exist\n');
      expect(f?.attempts).toBe(1);
    }
  });

  it("skips every other line Vault logs", () => {
    expect(revokeFailures(VAULT_LOG_OTHER.split("\n"))).toEqual([]);
  });

  it("keeps the failure reports, continuation lines included, and only the last ones", () => {
    const log = [VAULT_LOG_OTHER, VAULT_LOG_ONE_LINE, VAULT_LOG_MULTI_LINE, VAULT_LOG_OTHER].join("\n");
    const kept = revokeFailureLines(log, 10);
    expect(kept).toHaveLength(1 + VAULT_LOG_MULTI_LINE.split("\n").length);
    expect(revokeFailures(kept)).toEqual(revokeFailures(log.split("\n")));
    expect(revokeFailures(revokeFailureLines(log, 1)).map((f) => f.attempts)).toEqual([1]);
  });
});
