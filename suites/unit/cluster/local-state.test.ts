import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encryptionHostDir, ensureSecrets, writeEncryptionConfig } from "../../../harness/cluster/state/local-state.ts";
import { generateSecrets, secretProblems } from "../../../harness/cluster/state/secrets.ts";
import { saveSecrets } from "../../../harness/cluster/state/state.ts";

let root: string;
let dir: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-local-state-"));
  dir = join(root, "secretproof");
});
afterEach(() => rm(root, { recursive: true, force: true }));

const mode = async (p: string) => (await stat(p)).mode & 0o777;

describe("a new cluster's secrets", () => {
  it("are generated once, kept 0600 outside the repository, and reused by the next up", async () => {
    const first = await ensureSecrets(dir, false);
    expect(first.generated).toBe(true);
    expect(secretProblems(first.secrets)).toEqual([]);
    expect(Buffer.from(first.secrets.encryptionKey, "base64")).toHaveLength(32);
    expect(await mode(join(dir, "secrets.json"))).toBe(0o600);
    const second = await ensureSecrets(dir, true);
    expect(second).toEqual({ secrets: first.secrets, generated: false });
  });

  it("differ per cluster", async () => {
    const a = await ensureSecrets(dir, false);
    const b = await ensureSecrets(join(root, "other"), false);
    expect(a.secrets.encryptionKey).not.toBe(b.secrets.encryptionKey);
    expect(a.secrets.vaultRootToken).not.toBe(b.secrets.vaultRootToken);
  });

  it("cannot be invented for a cluster that already exists (its key would be unknown)", async () => {
    await expect(ensureSecrets(dir, true)).rejects.toThrow(/cluster exists but its secrets .* are gone: run `secretproof down`/);
  });
});

describe("a state directory from before, whose root token Vault refuses", () => {
  // as generateSecrets made it before: Vault's own service-token prefix on a base64url body
  const oldToken = `hvs.${randomBytes(24).toString("base64url")}`;
  const writeOld = () => saveSecrets(dir, { ...generateSecrets(), vaultRootToken: oldToken });

  it.each([
    [true, "the kind cluster was brought up with them, so it cannot be reused"],
    [false, "no kind cluster uses them"],
  ])("stops up (cluster exists: %s) naming the upstream rule and the way out, and keeps the file", async (exists, why) => {
    await writeOld();
    const before = await readFile(join(dir, "secrets.json"), "utf8");
    const err = (await ensureSecrets(dir, exists).catch((e: unknown) => e)) as Error;
    expect(err.name).toBe("PermanentError");
    expect(err.message).toContain(`${join(dir, "secrets.json")} cannot be used: vaultRootToken has the 'hvs.' prefix`);
    expect(err.message).toContain("custom token ID cannot have the 'hvs.' prefix\", hashicorp/vault vault/token_store.go:1141-1149");
    expect(err.message).toContain(`${why}: run \`secretproof down\``);
    expect(err.message).toMatch(/and then `secretproof up` to start over with new secrets$/);
    expect(err.message).not.toContain(oldToken.slice(4));
    expect(await readFile(join(dir, "secrets.json"), "utf8")).toBe(before);
  });
});

describe("the EncryptionConfiguration on disk", () => {
  it("holds the cluster's key, 0600 in a 0700 directory, and is rewritten identically", async () => {
    const { secrets } = await ensureSecrets(dir, false);
    const path = await writeEncryptionConfig(dir, secrets, false);
    expect(path).toBe(join(encryptionHostDir(dir), "encryption-config.yaml"));
    expect(await mode(path)).toBe(0o600);
    expect(await mode(encryptionHostDir(dir))).toBe(0o700);
    const doc = parse(await readFile(path, "utf8")) as { resources: { providers: { aescbc?: { keys: { secret: string }[] } }[] }[] };
    expect(doc.resources[0]!.providers[0]!.aescbc!.keys[0]!.secret).toBe(secrets.encryptionKey);
    await expect(writeEncryptionConfig(dir, secrets, true)).resolves.toBe(path);
  });

  it("is never silently replaced under a running cluster", async () => {
    const { secrets } = await ensureSecrets(dir, false);
    const path = await writeEncryptionConfig(dir, secrets, false);
    await writeFile(path, "tampered\n");
    await expect(writeEncryptionConfig(dir, secrets, true)).rejects.toThrow(/no longer matches the cluster's secrets/);
  });
});
