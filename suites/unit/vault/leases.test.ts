import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateVaultRootToken } from "../../../harness/cluster/state/vault-root-token.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { connectVault, gatherLingering, withLease } from "../../../harness/vault/index.ts";
import { VAULT_LOG_ONE_LINE, VAULT_LOG_OTHER, irrevocableList } from "../../support/dynamic-lingering-fixtures.ts";

/**
 * The lease helpers driven through the real node-vault client against a
 * local listener that answers with fixed statuses and Vault's JSON shapes.
 * They pin the helpers' own behaviour and prove nothing about Vault itself.
 */
let server: Server;
let addr: string;
const revoked: string[] = [];
const TOKEN = generateVaultRootToken();
const IRREVOCABLE = irrevocableList({ leaseId: "database/creds/r/Xy1", error: "out of retries: failed to revoke entry: resp: (*logical.Response)(nil) err: boom" });

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      const reply = (status: number, json?: unknown) => {
        res.writeHead(status, json === undefined ? {} : { "content-type": "application/json" });
        res.end(json === undefined ? undefined : JSON.stringify(json));
      };
      if (req.url === "/v1/auth/token/lookup-self") return reply(200, { data: { policies: ["root"] } });
      if (req.url === "/v1/sys/leases/revoke") {
        const id = (JSON.parse(body) as { lease_id: string }).lease_id;
        revoked.push(id);
        return id.endsWith("/stuck") ? reply(500, { errors: ["failed to revoke entry"] }) : reply(204);
      }
      if (req.url === "/v1/sys/leases/lookup/database/creds/live/?list=1") return reply(200, { data: { keys: ["Ab1"] } });
      if (req.url === "/v1/sys/leases/lookup") return reply(400, { errors: ["invalid lease"] });
      if (req.url === "/v1/sys/leases?type=irrevocable") return reply(200, { data: IRREVOCABLE, warnings: null });
      return reply(503, { errors: ["Vault is sealed"] });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  addr = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("a harness-issued lease", () => {
  it("is revoked once, whether the step revoked it, succeeded without revoking, or failed", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    revoked.length = 0;
    await withLease(v, "database/creds/r/a", (revoke) => revoke());
    await withLease(v, "database/creds/r/b", async () => undefined);
    await expect(withLease(v, "database/creds/r/c", () => Promise.reject(new Error("login check failed")))).rejects.toThrow("login check failed");
    expect(revoked).toEqual(["database/creds/r/a", "database/creds/r/b", "database/creds/r/c"]);
  });

  it("reports a failed cleanup revocation, unless the step's own failure comes first", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    await expect(withLease(v, "database/creds/r/stuck", async () => undefined)).rejects.toThrow("could not revoke the harness-issued lease database/creds/r/stuck");
    await expect(withLease(v, "database/creds/r/stuck", () => Promise.reject(new Error("step failed")))).rejects.toThrow("step failed");
  });
});

describe("gathering what Vault says about lingering roles", () => {
  it("records the leases still held, the irrevocable list and the failed-revocation lines of Vault's log", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    const e = await gatherLingering(v, [], "database/creds/live", async () => `${VAULT_LOG_OTHER}\n${VAULT_LOG_ONE_LINE}\n`);
    expect(e.leases).toEqual([]); // the one listed lease was gone ("invalid lease") by its lookup
    expect(e.irrevocable).toEqual(IRREVOCABLE);
    expect(e.vaultLog).toEqual([VAULT_LOG_ONE_LINE]);
    expect(Number.isNaN(Date.parse(e.at))).toBe(false);
  });

  it("records a source it cannot read as unreadable, with the reason, and does not throw", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    const e = await gatherLingering(v, [], "database/creds/sealed", () => Promise.reject(new Error("kubectl logs exited 1")));
    expect(e.leases).toEqual({ unreadable: `LIST /v1/sys/leases/lookup/database/creds/sealed/ against ${addr} returned 503: Vault is sealed` });
    expect(e.vaultLog).toEqual({ unreadable: "kubectl logs exited 1" });
  });
});
