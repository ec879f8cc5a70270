import { generateKeyPairSync, randomBytes, randomInt } from "node:crypto";
import { describe, expect, it } from "vitest";
import { redactionMarker } from "../../../harness/evidence/redact.ts";
import { formatFinding, scanForSecrets } from "../../../harness/report/secret-scan.ts";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/** Like Vault's base62.Random(TokenLength): 24 characters from crypto/rand. */
const base62 = (n = 24) => Array.from({ length: n }, () => BASE62[randomInt(62)]).join("");
const b64url = (n: number) => randomBytes(n).toString("base64url");
const jwtPart = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");

function kinds(text: string | Buffer): string[] {
  return scanForSecrets("f.txt", Buffer.isBuffer(text) ? text : Buffer.from(text)).map((f) => f.kind);
}

describe("the secret-shape scan behind the redaction layer", () => {
  const pem = generateKeyPairSync("ed25519").privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  const jwt = [jwtPart({ alg: "RS256", kid: "x" }), jwtPart({ iss: "https://kubernetes.default.svc", sub: "system:serviceaccount:vault:vault" }), b64url(256)].join(".");

  it.each([
    ["a service token (base62 body)", `{"client_token":"hvs.${base62()}"}`, "Vault token (hvs./hvb./hvr.)"],
    ["a server-side consistent service token", `X-Vault-Token: hvs.${b64url(70)}`, "Vault token (hvs./hvb./hvr.)"],
    ["a batch token", `token=hvb.${b64url(160)}`, "Vault token (hvs./hvb./hvr.)"],
    ["a recovery token", `hvr.${base62()}`, "Vault token (hvs./hvb./hvr.)"],
    ["a namespaced service token", `"hvs.${base62()}.AbC1"`, "Vault token (hvs./hvb./hvr.)"],
    ["a legacy service token", `VAULT_TOKEN s.${base62()}`, "Vault token, legacy format (s./r.)"],
    ["a legacy batch token", `"b.${b64url(120)}"`, "Vault batch token, legacy format (b.)"],
    ["an Ed25519 PKCS#8 private key", pem, "PEM private key"],
    ["an RSA private key, JSON-escaped", JSON.stringify({ key: rsa }), "PEM private key"],
    ["a service account JWT", `Authorization: Bearer ${jwt}`, "signed JWT (e.g. a service account token)"],
    ["a PostgreSQL URL with its password", "postgresql://v-kubernet-app-x1:gXH2tx-vLIQ5AcFL7gPD@postgres:5432/app", "password in a URL"],
    ["a libpq keyword/value password", "host=postgres user=v-app password=gXH2tx-vLIQ5AcFL7gPD dbname=app", "password assignment (password=/PGPASSWORD=)"],
    ["an environment assignment", "PGPASSWORD=gXH2tx-vLIQ5AcFL7gPD psql -h postgres", "password assignment (password=/PGPASSWORD=)"],
    [
      "a password literal in a statement Postgres logged",
      `STATEMENT:  CREATE ROLE "v-kubernet-app-x1" WITH LOGIN PASSWORD 'gXH2tx-vLIQ5AcFL7gPD' VALID UNTIL '2026-05-08 16:29:19+00';`,
      "password literal in SQL (PASSWORD '…')",
    ],
  ])("finds %s", (_what, text, kind) => {
    expect(kinds(text)).toEqual([kind]);
  });

  it("finds a token inside base64, as Secret data and etcd values hold it", () => {
    const secret = { data: { token: Buffer.from(`hvs.${base62()}`).toString("base64") } };
    expect(kinds(JSON.stringify(secret))).toEqual(["Vault token (hvs./hvb./hvr.) (base64-encoded)"]);
  });

  it("finds a token in binary data", () => {
    const bin = Buffer.concat([randomBytes(64).fill(0x00, 60), Buffer.from(` s.${base62()} `), Buffer.from([0xff, 0xfe])]);
    expect(kinds(bin)).toEqual(["Vault token, legacy format (s./r.)"]);
  });

  it.each([
    ["a redaction marker", `{"token":"${redactionMarker(`hvs.${base62()}`)}"}`],
    ["a marker behind a prefix", `hvs.${redactionMarker(base62())} s.${redactionMarker(base62())}`],
    ["a PEM header whose body was redacted", `-----BEGIN PRIVATE KEY-----\n${redactionMarker("x".repeat(64))}\n-----END PRIVATE KEY-----`],
    ["a certificate and a public key", generateKeyPairSync("ed25519").publicKey.export({ type: "spki", format: "pem" }).toString()],
    ["Vault's templated connection URL", "postgresql://{{username}}:{{password}}@postgres:5432/app?sslmode=disable"],
    ["a redacted URL password", `postgresql://v-app:${redactionMarker("gXH2tx-vLIQ5AcFL7gPD")}@postgres/app`],
    ["Vault's templated creation statement", `CREATE ROLE "{{name}}" WITH LOGIN PASSWORD '{{password}}' VALID UNTIL '{{expiration}}';`],
    ["a redacted SQL password literal", `ALTER ROLE "postgres" WITH PASSWORD '${redactionMarker("gXH2tx-vLIQ5AcFL7gPD")}';`],
    ["shell expansions", "PGPASSWORD=$(cat /mnt/secrets/db-password) psql; PGPASSWORD=$PW; password=%s"],
    ["an encryption provider prefix and digests", `k8s:enc:aescbc:v1:key1: sha256:${randomBytes(32).toString("hex")}`],
    ["a base62 string that is not a token", `pods.s.${base62()} metrics.k8s.io s.abcdefghijklmnopqrstuvwx`],
    ["the text 'hvs.' with no body", "Vault service tokens start with hvs. or s."],
    ["an image digest and a kind node image", "kindest/node:v1.35.8@sha256:07b2536e30b803ed61d1677a79df6115f798ce64c80f9e22f6ed45afd09323c0"],
  ])("does not flag %s", (_what, text) => {
    expect(kinds(text)).toEqual([]);
  });

  it("names the file and line and shows the match only as a redaction marker", () => {
    const token = `hvs.${base62()}`;
    const [f] = scanForSecrets("F1/falco.jsonl", Buffer.from(`{"a":1}\n{"b":2}\n{"output":"${token}"}\n`));
    expect(f).toEqual({ path: "F1/falco.jsonl", line: 3, kind: "Vault token (hvs./hvb./hvr.)", marker: redactionMarker(token) });
    expect(formatFinding(f!)).not.toContain(token.slice(4));
  });
});
