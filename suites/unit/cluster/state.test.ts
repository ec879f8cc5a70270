import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadSecrets, registerSecrets, saveSecrets, stateDir, type ClusterSecrets } from "../../../harness/cluster/state/state.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { generateVaultRootToken } from "../../../harness/cluster/state/vault-root-token.ts";

let dir: string;
const secrets: ClusterSecrets = {
  encryptionKeyName: "key1",
  encryptionKey: randomBytes(32).toString("base64"),
  vaultRootToken: generateVaultRootToken(),
  postgresBootstrapPassword: randomBytes(18).toString("base64url"),
};

beforeEach(async () => {
  dir = join(await mkdtemp(join(tmpdir(), "secretproof-state-")), "cluster");
});
afterEach(async () => {
  await rm(join(dir, ".."), { recursive: true, force: true });
});

describe("cluster secrets on disk", () => {
  it("are written readable by the owner only and read back intact", async () => {
    await saveSecrets(dir, secrets);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, "secrets.json"))).mode & 0o777).toBe(0o600);
    expect(await loadSecrets(dir)).toEqual(secrets);
  });

  it("are refused when group or others can read them", async () => {
    await saveSecrets(dir, secrets);
    await chmod(join(dir, "secrets.json"), 0o644);
    await expect(loadSecrets(dir)).rejects.toThrow(/mode 644; it must be 600/);
  });

  it("name the command to run when missing", async () => {
    await expect(loadSecrets(dir)).rejects.toThrow(/run `secretproof up` first/);
  });

  it("are all registered with the redaction layer, the key in both spellings", () => {
    const red = new Redactor();
    registerSecrets(secrets, red);
    const raw = Buffer.from(secrets.encryptionKey, "base64").toString("latin1");
    const text = [secrets.encryptionKey, secrets.vaultRootToken, secrets.postgresBootstrapPassword].join(" ");
    expect(red.leaks(red.redact(text))).toBe(false);
    expect(red.redactBytes(Buffer.from(raw, "latin1")).toString()).toMatch(/^<redacted sha256:[0-9a-f]{16} len:32>$/);
  });

  it("live under SECRETPROOF_STATE_DIR when set", () => {
    expect(stateDir("sp", { SECRETPROOF_STATE_DIR: "/x" })).toBe("/x/sp");
  });
});
