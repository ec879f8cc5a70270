import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateSecrets } from "../../../harness/cluster/state/secrets.ts";
import { registerSecrets, saveSecrets } from "../../../harness/cluster/state/state.ts";
import type { ClaimId } from "../../../harness/claims/verdict.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { readClusterSecretsFile } from "../../../harness/report/known-secrets.ts";
import { scanForSecrets } from "../../../harness/report/secret-scan.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { buildBundle, rewriteManifest } from "../../support/build-bundle.ts";
import { fixtureFamily } from "../../support/fixture-family.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-root-token-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const opts = { families: [fixtureFamily], requiredClaims: ["A2", "T1"] as ClaimId[] };
const LABEL = "known secret (vault root token)";
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

/** Every way the root token can reach a bundle file: Vault's own log lines, JSON, Kubernetes Secret data, URLs, binary. */
function placements(token: string): Record<string, string | Buffer> {
  return {
    "V/dev-banner.log": `Root Token: ${token}\n`,
    "V/dev-refused.log": `Error initializing dev mode: failed to create root token with ID "${token}": x\n`,
    "V/request.json": JSON.stringify({ headers: { "X-Vault-Token": token }, nested: JSON.stringify({ token }) }),
    "V/statefulset.yaml": `env:\n  - name: VAULT_DEV_ROOT_TOKEN_ID\n    value: ${token}\n`,
    "V/helm-release.b64": b64(`{"server":{"dev":{"devRootToken":"${token}"}}}`),
    "V/secret-offset1.yaml": `data:\n  token: ${b64(`x${token}`)}\n`,
    "V/secret-offset2.yaml": `data:\n  token: ${b64(`xy${token}`).replaceAll("+", "-").replaceAll("/", "_")}\n`,
    "V/url.txt": `http://127.0.0.1:8200/v1/auth/token/lookup?token=${encodeURIComponent(token)}\n`,
    "V/hex.txt": Buffer.from(token).toString("hex"),
    "V/blob.bin": Buffer.concat([randomBytes(7), Buffer.from([0xff, 0]), Buffer.from(token), randomBytes(5)]),
  };
}

async function plant(dir: string, files: Record<string, string | Buffer>): Promise<void> {
  await mkdir(join(dir, "V"), { recursive: true });
  for (const [path, data] of Object.entries(files)) await writeFile(join(dir, path), data);
  await rewriteManifest(dir);
}

describe("a cluster's generated Vault root token in a bundle", () => {
  it("has no shape the scan recognises, so verify finds it by value with --secrets-file, wherever it is written", async () => {
    const secrets = generateSecrets();
    const files = placements(secrets.vaultRootToken);
    const { dir } = await buildBundle(root);
    await plant(dir, files);
    await saveSecrets(join(root, "state"), secrets);

    for (const [path, data] of Object.entries(files)) expect(scanForSecrets(path, Buffer.from(data))).toEqual([]);
    expect((await verifyBundle(dir, opts)).leaks).toEqual([]);

    const known = await readClusterSecretsFile(join(root, "state"));
    const r = await verifyBundle(dir, { ...opts, knownSecrets: known });
    const found = r.leaks.filter((l) => l.kind === LABEL).map((l) => l.path);
    expect(found.sort()).toEqual(Object.keys(files).sort());
    expect(r.trusted).toBe(false);
  });

  it("fails `secretproof verify --secrets-file` (exit 2), naming the file and never the token", async () => {
    const secrets = generateSecrets();
    const { dir } = await buildBundle(root);
    await plant(dir, { "V/dev-banner.log": `Root Token: ${secrets.vaultRootToken}\n` });
    await saveSecrets(join(root, "state"), secrets);
    const r = await execa("node", ["bin/secretproof.js", "verify", dir, "--secrets-file", join(root, "state")], { reject: false });
    expect(r.exitCode).toBe(2);
    expect(r.stdout).toMatch(/V\/dev-banner\.log:1: known secret \(vault root token\): <redacted sha256:[0-9a-f]{16} len:32>/);
    expect(r.stdout + r.stderr).not.toContain(secrets.vaultRootToken);
  });

  it("is replaced by its marker in every one of those spellings once registered, and the redacted bundle verifies clean", async () => {
    const secrets = generateSecrets();
    const red = new Redactor();
    registerSecrets(secrets, red);
    const files = placements(secrets.vaultRootToken);
    const redacted = Object.fromEntries(Object.entries(files).map(([p, d]) => [p, red.redactBytes(Buffer.from(d))]));
    const { dir } = await buildBundle(root);
    await plant(dir, redacted);
    await saveSecrets(join(root, "state"), secrets);

    const r = await verifyBundle(dir, { ...opts, knownSecrets: await readClusterSecretsFile(join(root, "state")) });
    expect(r.leaks).toEqual([]);
    expect(await readFile(join(dir, "V/dev-banner.log"), "utf8")).toMatch(/^Root Token: <redacted sha256:[0-9a-f]{16} len:32>\n$/);
  });
});
