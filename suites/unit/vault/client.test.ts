import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPermanent } from "../../../harness/core/errors.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { connectVault, irrevocableLeases, listLeases, lookupLease, revokeLease, vaultError, vaultStatus } from "../../../harness/vault/index.ts";
import { generateVaultRootToken } from "../../../harness/cluster/state/vault-root-token.ts";

/**
 * node-vault does not export its error classes, so the adapter reads the
 * status from `err.response.statusCode`. These tests drive the real
 * node-vault client over HTTP against a local listener that answers with
 * fixed status codes and Vault's `{"errors": [...]}` body, to pin that
 * contract. They prove nothing about Vault itself.
 */
let server: Server;
let addr: string;
const seen: { method?: string; url?: string; body: string }[] = [];
const TOKEN = generateVaultRootToken();
/** Vault's whole response to GET sys/leases?type=irrevocable (logical.Response around listIrrevocableLeases' map). */
const IRREVOCABLE = {
  request_id: "0f6c3f5e-3c1b-7d2a-1e4f-9b8a7c6d5e4f",
  lease_id: "",
  renewable: false,
  lease_duration: 0,
  data: {
    lease_count: 1,
    leases: [{ lease_id: "database/creds/r/Xy1", mount_id: "database_5b0f1c2d", error: 'out of retries: failed to revoke entry: resp: (*logical.Response)(nil) err: ERROR: role "v-x" cannot be dropped (SQLSTATE 2BP01)' }],
  },
  wrap_info: null,
  warnings: null,
  auth: null,
  mount_type: "system",
};

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let b = "";
    req.on("data", (c: Buffer) => (b += c.toString()));
    req.on("end", () => resolve(b));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    seen.push({ method: req.method, url: req.url, body: await body(req) });
    const reply = (status: number, json?: unknown) => {
      res.writeHead(status, json === undefined ? {} : { "content-type": "application/json" });
      res.end(json === undefined ? undefined : JSON.stringify(json));
    };
    if (req.headers["x-vault-token"] !== TOKEN) return reply(403, { errors: ["permission denied"] });
    if (req.url === "/v1/auth/token/lookup-self") return reply(200, { data: { policies: ["root"] } });
    if (req.url === "/v1/sys/leases/revoke") return reply(req.method === "POST" && seen.at(-1)?.body.includes('"sync":false') ? 202 : 204);
    if (req.url === "/v1/sys/leases/lookup") return reply(400, { errors: ["invalid lease"] });
    if (req.url === "/v1/boom") return reply(503, { errors: ["Vault is sealed"] });
    if (req.method === "GET" && req.url === "/v1/sys/leases/lookup/database/creds/live/?list=1") return reply(200, { data: { keys: ["Ab1", "Cd2"] } });
    if (req.method === "GET" && req.url === "/v1/sys/leases?type=irrevocable") return reply(200, IRREVOCABLE);
    return reply(404, { errors: [] });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  addr = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("the Vault client adapter", () => {
  it("fails at once on a rejected token, naming the address and the answer", async () => {
    const err = await connectVault({ addr, token: generateVaultRootToken(), redactor: new Redactor() }).catch((e: unknown) => e);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toBe(`GET /v1/auth/token/lookup-self against ${addr} returned 403: permission denied`);
  });

  it("treats a sealed Vault (503) as worth retrying and a 404 read as absent", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    const err = await v.read("boom").catch((e: unknown) => e);
    expect(isPermanent(err)).toBe(false);
    expect(vaultStatus(err)).toBe(503);
    expect(await v.readOptional("database/config/none")).toBeUndefined();
    expect(await v.list("sys/leases/lookup/database/creds/none/")).toEqual([]);
  });

  it("lists leases with GET ?list=1 and returns full lease ids", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    expect(await listLeases(v, "database/creds/live")).toEqual(["database/creds/live/Ab1", "database/creds/live/Cd2"]);
  });

  it("reads the irrevocable leases with GET sys/leases?type=irrevocable, errors included", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    expect(await irrevocableLeases(v)).toEqual(IRREVOCABLE.data);
    expect(seen.at(-1)).toMatchObject({ method: "GET", url: "/v1/sys/leases?type=irrevocable" });
  });

  it("reports an expired lease as Vault's 400 'invalid lease'", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    await expect(lookupLease(v, "database/creds/r/gone")).rejects.toThrow(/returned 400: invalid lease/);
  });

  it("accepts a queued revocation's 202 and a synchronous one's 204", async () => {
    await using v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    await revokeLease(v, "database/creds/r/a", { sync: true });
    await revokeLease(v, "database/creds/r/b", { sync: false });
    expect(seen.filter((s) => s.url === "/v1/sys/leases/revoke").map((s) => JSON.parse(s.body))).toEqual([
      { lease_id: "database/creds/r/a", sync: true },
      { lease_id: "database/creds/r/b", sync: false },
    ]);
  });

  it("refuses calls after close", async () => {
    const v = await connectVault({ addr, token: TOKEN, redactor: new Redactor() });
    await v.close();
    await expect(v.read("sys/mounts")).rejects.toThrow(/is closed/);
  });
});

describe("Vault errors", () => {
  it("carry neither the request body nor the client's own error, and redact what Vault said", () => {
    const red = new Redactor();
    red.register("s3cret-admin-pw", "admin password");
    const raw = Object.assign(new Error("Status 400"), {
      response: { statusCode: 400, body: { errors: ["cannot connect with s3cret-admin-pw"] } },
      config: { data: '{"password":"s3cret-admin-pw"}' },
    });
    const e = vaultError("POST", "database/config/db", "http://vault:8200", raw, red);
    expect(isPermanent(e)).toBe(true);
    expect(e.cause).not.toBe(raw);
    expect(JSON.stringify({ m: e.message, c: (e.cause as Error).message, k: Object.keys(e.cause as object) })).not.toContain("s3cret");
  });

  it("name a network failure without a status", () => {
    const e = vaultError("GET", "sys/mounts", "http://vault:8200", Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" }), new Redactor());
    expect(e.message).toBe("GET /v1/sys/mounts against http://vault:8200 failed (ECONNREFUSED): connect ECONNREFUSED");
    expect(isPermanent(e)).toBe(false);
  });
});
