import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { checkVaultLogin } from "../../../harness/cluster/up/probes/vault-login-check.ts";
import type { LoginExpectation } from "../../../harness/cluster/up/judges/vault-login.ts";
import { isPermanent } from "../../../harness/core/errors.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";

/**
 * The collector's plumbing only (which token goes where, what is registered
 * for redaction, what is revoked), against a stand-in HTTP server that
 * answers in Vault's shapes. Whether Vault itself answers so is checked on a
 * live cluster by the vault-login step.
 */
const e: LoginExpectation = { mount: "kubernetes", role: "secure-app-dynamic", serviceAccount: "test-dynamic/default", audience: "vault", policy: "secure-app-dynamic-creds", leaseSeconds: 86_400 };
const jwtFor = (aud: string) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ aud: [aud] })).toString("base64url")}.c2lnbmF0dXJl`;
const TOKEN = "hvs.CAESIStandInVaultTokenForPlumbing000001";

interface Seen { path: string; token?: string; body: Record<string, string> }
let server: Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function standIn(checksAudience: boolean, seen: Seen[]): Promise<string> {
  const read = async (req: IncomingMessage) => {
    let text = "";
    for await (const c of req) text += String(c);
    return JSON.parse(text || "{}") as Record<string, string>;
  };
  server = createServer(async (req, res) => {
    const body = await read(req);
    seen.push({ path: req.url ?? "", token: req.headers["x-vault-token"] as string | undefined, body });
    if (req.url === "/v1/auth/token/revoke-self") return res.writeHead(204).end();
    if (checksAudience && body.jwt !== jwtFor("vault")) {
      return res.writeHead(403, { "Content-Type": "application/json" }).end(JSON.stringify({ errors: ["invalid audience (aud) claim: audience claim does not match any expected audience"] }));
    }
    const auth = { client_token: TOKEN, policies: ["default", "secure-app-dynamic-creds"], lease_duration: 86_400 };
    res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ auth, data: null }));
  });
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
}

function tokenKubectl(calls: string[][]): Kubectl {
  const result = (args: readonly string[], stdout: string): ExecResult => ({ command: `kubectl ${args.join(" ")}`, exitCode: 0, stdout, stderr: "", startedAt: "", durationMs: 1 });
  return {
    context: "kind-secretproof",
    run: async (args) => (calls.push([...args]), result(args, `${jwtFor(args[args.indexOf("--audience") + 1] ?? "")}\n`)),
    json: async () => ({}) as never,
    apply: async () => result([], ""),
    exec: async () => result([], ""),
    rolloutStatus: async () => result([], ""),
  };
}

describe("the Vault login check's collector", () => {
  it("asks for a 10m token per audience, registers every token for redaction, and revokes the Vault token it got", async () => {
    const seen: Seen[] = [];
    const calls: string[][] = [];
    const red = new Redactor();
    const url = await standIn(true, seen);
    const lines = await checkVaultLogin({ kubectl: tokenKubectl(calls), vaultUrl: async () => url, timeoutMs: 5_000, redactor: red }, e);
    expect(lines).toHaveLength(2);
    expect(calls).toEqual([
      ["-n", "test-dynamic", "create", "token", "default", "--audience", "vault", "--duration", "10m"],
      ["-n", "test-dynamic", "create", "token", "default", "--audience", "not-vault", "--duration", "10m"],
    ]);
    expect(seen.map((s) => s.path)).toEqual(["/v1/auth/kubernetes/login", "/v1/auth/token/revoke-self", "/v1/auth/kubernetes/login"]);
    expect(seen[0]?.body).toEqual({ role: "secure-app-dynamic", jwt: jwtFor("vault") });
    expect(seen[1]?.token).toBe(TOKEN);
    for (const secret of [TOKEN, jwtFor("vault"), jwtFor("not-vault")]) expect(red.redact(`x ${secret} x`)).not.toContain(secret);
  });

  it("fails for good when the role takes a token for another audience, revoking both Vault tokens first", async () => {
    const seen: Seen[] = [];
    const url = await standIn(false, seen);
    const err = await checkVaultLogin({ kubectl: tokenKubectl([]), vaultUrl: async () => url, timeoutMs: 5_000, redactor: new Redactor() }, e).catch((x: unknown) => x);
    expect(isPermanent(err)).toBe(true);
    expect((err as Error).message).toMatch(/accepted a service-account token of test-dynamic\/default for audience "not-vault": the role does not check the audience/);
    expect(seen.filter((s) => s.path === "/v1/auth/token/revoke-self")).toHaveLength(2);
  });
});
