import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { stringify } from "yaml";
import { renderEncryptionConfig } from "../../../clusters/kind/encryption.ts";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseEncryptionKeyFile, readEncryptionKeyFile } from "../../../harness/claims/a1-encryption/key-file.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { KEY, KEY_CONFIG, healthyCluster, recordA1 } from "./families-a1-bundle.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-key-file-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const spellings = (k: Buffer) => [k.toString("base64"), k.toString("hex"), k.toString("base64").slice(4, 28)];

describe("--encryption-key-file: the auditor's etcd encryption key", () => {
  it("reads a bare base64 key, or every aescbc/aesgcm key of an EncryptionConfiguration by name", () => {
    expect(parseEncryptionKeyFile(`${KEY.toString("base64")}\n`, "k")).toEqual([{ secret: KEY }]);
    const keys = parseEncryptionKeyFile(KEY_CONFIG, "enc.yaml");
    expect(keys.map((k) => [k.provider, k.name])).toEqual([["aescbc", "key1"], ["aescbc", "key0"]]);
    expect(keys[0]?.secret).toEqual(KEY);
  });

  it("reads key names as the apiserver accepts them: any non-empty string, spaces and colons included", () => {
    const named = KEY_CONFIG.replace("name: key1", 'name: "key 1"').replace("name: key0", "name: a:b");
    expect(parseEncryptionKeyFile(named, "enc.yaml").map((k) => k.name)).toEqual(["key 1", "a:b"]);
    for (const bad of ['name: ""', "name: 7", "nom: key1"]) {
      expect(() => parseEncryptionKeyFile(KEY_CONFIG.replace("name: key1", bad), "enc.yaml")).toThrow(/enc\.yaml: resources\[0\] aescbc keys\[0\] has no name \(a non-empty string\)/);
    }
  });

  it("reads the EncryptionConfiguration the cluster bring-up writes for kube-apiserver", () => {
    const text = stringify(renderEncryptionConfig({ encryptionKeyName: "key1", encryptionKey: KEY.toString("base64") }));
    expect(parseEncryptionKeyFile(text, "encryption-config.yaml")).toEqual([{ name: "key1", provider: "aescbc", secret: KEY }]);
  });

  it("rejects what is not a key, naming the problem but never quoting the file", () => {
    const short = randomBytes(20).toString("base64");
    const cases: [string, RegExp][] = [
      [short, /the key is 20 bytes; an AES key is 16, 24 or 32/],
      [KEY_CONFIG.replace(KEY.toString("base64"), short), /resources\[0\] aescbc key "key1" is 20 bytes/],
      [KEY_CONFIG.replace("kind: EncryptionConfiguration", "kind: ConfigMap"), /neither a base64 AES key nor an EncryptionConfiguration/],
      [`${KEY_CONFIG}\n  - [unclosed`, /neither a base64 AES key nor YAML \(YAML error at line \d+\)/],
      [KEY_CONFIG.replace(/- aescbc:[\s\S]*- identity/, "- identity"), /holds no aescbc or aesgcm key/],
    ];
    for (const [text, want] of cases) {
      let message = "";
      try {
        parseEncryptionKeyFile(text, "enc.yaml");
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).toMatch(want);
      for (const s of [...spellings(KEY), short]) expect(message).not.toContain(s);
    }
  });

  it("registers every key it reads with the redactor", async () => {
    const path = join(root, "enc.yaml");
    await writeFile(path, KEY_CONFIG);
    const red = new Redactor();
    await readEncryptionKeyFile(path, red);
    expect(red.labels()).toContain(`etcd encryption key "key1" from ${path} (base64)`);
    expect(red.redact(`key ${KEY.toString("base64")}`)).not.toContain(KEY.toString("base64"));
    await expect(readEncryptionKeyFile(join(root, "absent"), red)).rejects.toThrow(/--encryption-key-file .*absent is not readable/);
  });

  it("secretproof verify decrypts with it, fails on a wrong key, and never prints the key", async () => {
    const { dir } = await recordA1(root, healthyCluster());
    const good = join(root, "enc.yaml");
    const wrong = join(root, "wrong.key");
    const other = randomBytes(32);
    await writeFile(good, KEY_CONFIG);
    await writeFile(wrong, other.toString("base64"));
    const cli = (...args: string[]) => execa("node", ["bin/secretproof.js", "verify", ...args], { reject: false });
    const ok = await cli(dir, "--encryption-key-file", good);
    expect(ok.exitCode, "A1 passes; the claims this bundle lacks are not proven").toBe(1);
    expect(ok.stdout).toMatch(/A1\s+pass\s+.*decrypts with the configured key to v1\/Secret/);
    expect(ok.stdout).toMatch(/a1-encryption: the evidence gives the recorded verdicts/);
    const bad = await cli("--json", dir, "--encryption-key-file", wrong);
    expect(bad.exitCode).toBe(2);
    expect(JSON.parse(bad.stdout).mismatches).toEqual(["family a1-encryption: A1 was recorded as pass; the evidence now judges fail"]);
    for (const out of [ok.stdout, ok.stderr, bad.stdout, bad.stderr]) {
      for (const s of [...spellings(KEY), ...spellings(other)]) expect(out).not.toContain(s);
    }
  });
});
