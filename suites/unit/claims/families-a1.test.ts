import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { a1EncryptionFamily, pickKey } from "../../../harness/claims/a1-encryption/family.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { LAYOUT } from "../../../harness/claims/a1-encryption/layout.ts";
import { parseEncryptionKeyFile } from "../../../harness/claims/a1-encryption/key-file.ts";
import { MANIFEST, buildManifest } from "../../../harness/evidence/manifest.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { aescbcValue, configMapYamlValue, secretValue, secretYamlValue } from "../../support/k8s-values.ts";
import { CANARY, CKEY, KEY, KEY_CONFIG, NS, SKEY, canarySecret, createHashHex, forge, healthyCluster, recordA1 } from "./families-a1-bundle.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-a1-family-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const verify = (dir: string, keyFile?: string) =>
  verifyBundle(dir, { requiredClaims: ["A1"], ...(keyFile ? { rejudge: { encryptionKeys: parseEncryptionKeyFile(keyFile, "key.yaml") } } : {}) });

describe("A1 family: secretproof verify re-judges A1 from the recorded evidence", () => {
  it("is registered first, for claim A1", () => {
    expect(FAMILIES[0]).toBe(a1EncryptionFamily);
    expect(a1EncryptionFamily.claims).toEqual(["A1"]);
  });

  it("re-judges an all-pass bundle to pass without the key, from the recorded decryption; the bundle holds no key and no secret shape", async () => {
    const { dir, verdict } = await recordA1(root, healthyCluster());
    expect(verdict.verdict).toBe("pass");
    const r = await verify(dir);
    expect(r).toMatchObject({ integrity: [], leaks: [], mismatches: [], rejudged: ["a1-encryption"], failedClaims: [], ok: true });
    expect(r.verdicts[0]?.reasons.join("\n")).toMatch(/decrypts under the configured key when collected \(recorded; the key is not\) to v1\/Secret secretproof-a1\/a1-canary/);
    const written = JSON.parse(await readFile(join(dir, LAYOUT.secret), "utf8"));
    expect(Buffer.from(written.decrypted.base64, "base64")).toEqual(canarySecret);
    const text = (await Promise.all(Object.values(LAYOUT).map((p) => readFile(join(dir, p), "latin1")))).join("\n");
    const checker = new Redactor();
    checker.register(KEY, "k");
    checker.register(KEY.toString("base64"), "k64");
    expect(checker.leaks(text)).toBe(false);
  });

  it("re-judges a bundle whose stored Secret was plaintext to fail, as recorded", async () => {
    const cluster = healthyCluster();
    cluster.set("/registry/secrets/default/legacy", secretValue("legacy", "default", { password: "legacy-pass-1" }));
    const { dir, verdict } = await recordA1(root, cluster);
    expect(verdict.verdict).toBe("fail");
    const r = await verify(dir);
    expect(r).toMatchObject({ mismatches: [], trusted: true, failedClaims: ["A1"] });
    expect(r.verdicts[0]?.reasons.join("\n")).toContain("/registry/secrets/default/legacy: plaintext protobuf");
  });

  it("catches a ciphertext file swapped for plaintext bytes with matching hashes and a recomputed manifest", async () => {
    const { dir } = await recordA1(root, healthyCluster());
    await forge(dir, LAYOUT.secret, (d) => {
      d.base64 = canarySecret.toString("base64");
      d.sha256 = createHashHex(canarySecret);
    });
    const r = await verify(dir);
    expect(r.integrity).toEqual([]);
    expect(r.mismatches).toEqual(["family a1-encryption: A1 was recorded as pass; the evidence now judges fail"]);
    expect(r.trusted).toBe(false);
  });

  it("cannot re-judge a ciphertext edited without its hash, or a Secret's description edited to plaintext", async () => {
    const { dir } = await recordA1(root, healthyCluster());
    await forge(dir, LAYOUT.secret, (d) => {
      d.base64 = aescbcValue(canarySecret, "key1", KEY).toString("base64");
    });
    expect((await verify(dir)).mismatches.join("\n")).toMatch(/could not re-judge.*canary-secret\.etcd\.json: sha256 does not match its base64 bytes/);
    const second = await recordA1(root, healthyCluster());
    const rows = JSON.parse(await readFile(join(second.dir, LAYOUT.scan), "utf8")) as Record<string, unknown>[];
    (rows[0] as Record<string, unknown>).format = "plaintext-json";
    await writeFile(join(second.dir, LAYOUT.scan), JSON.stringify(rows));
    await writeFile(join(second.dir, MANIFEST), await buildManifest(second.dir));
    expect((await verify(second.dir)).mismatches).toEqual(["family a1-encryption: A1 was recorded as pass; the evidence now judges fail"]);
  });

  it("reads each stored Secret's recorded decryption: an edit to rejected re-judges to fail, an unknown outcome cannot be re-judged", async () => {
    const { dir } = await recordA1(root, healthyCluster());
    const rows = JSON.parse(await readFile(join(dir, LAYOUT.scan), "utf8")) as Record<string, unknown>[];
    expect(rows.map((r) => r.decryption)).toEqual(["ok", "ok"]);
    const edit = async (value: string) => {
      (rows[0] as Record<string, unknown>).decryption = value;
      await writeFile(join(dir, LAYOUT.scan), JSON.stringify(rows));
      await writeFile(join(dir, MANIFEST), await buildManifest(dir));
      return verify(dir);
    };
    expect((await edit("rejected")).mismatches).toEqual(["family a1-encryption: A1 was recorded as pass; the evidence now judges fail"]);
    expect((await edit("maybe")).mismatches.join("\n")).toMatch(/secrets-scan\.json\[0\]: decryption "maybe" is not ok, malformed or rejected/);
  });

  it("with the key, decrypts the ciphertext again and catches a recorded decryption it does not match", async () => {
    const { dir } = await recordA1(root, healthyCluster());
    expect(await verify(dir, KEY_CONFIG)).toMatchObject({ mismatches: [], ok: true });
    expect((await verify(dir, KEY_CONFIG)).verdicts[0]?.reasons.join("\n")).toMatch(/decrypts with the configured key to v1\/Secret/);
    const other = secretValue("a1-canary", NS, { value: CANARY, note: "not what was stored" });
    await forge(dir, LAYOUT.secret, (d) => {
      d.decrypted = { status: "ok", bytes: other.length, sha256: createHashHex(other), base64: other.toString("base64") };
    });
    expect((await verify(dir)).ok).toBe(true);
    const r = await verify(dir, KEY_CONFIG);
    expect(r.mismatches).toEqual(["family a1-encryption: A1 was recorded as pass; the evidence now judges fail"]);
    expect(r.verdicts[0]?.reasons.join("\n")).toMatch(/recorded decryption \(\d+ bytes, sha256 [0-9a-f]{16}…\) is not what the ciphertext decrypts to under the supplied key/);
  });

  it("with a key of another name, cannot re-judge and says which keys it was given", async () => {
    const { dir } = await recordA1(root, healthyCluster());
    const r = await verify(dir, KEY_CONFIG.replace("name: key1", "name: key9"));
    expect(r.mismatches.join("\n")).toMatch(/hold no aescbc key "key1" \(they hold aescbc key "key9", aescbc key "key0"\)/);
    expect(() => pickKey([{ secret: KEY }], { provider: "aescbc", keyName: "key1" })).not.toThrow();
  });

  it("re-judges a YAML-storage bundle under key \"a:b\" to pass, and with the configuration names the key a stale Secret is under", async () => {
    const [ka, kab] = [Buffer.alloc(32, 0x0a), KEY];
    const yamlSecret = (name: string) => secretYamlValue(name, NS, { value: CANARY });
    const cluster = new Map([
      [SKEY, aescbcValue(yamlSecret("a1-canary"), "a:b", kab)],
      [CKEY, configMapYamlValue("a1-control", NS, { value: CANARY })],
    ]);
    const { dir, verdict } = await recordA1(root, cluster, { provider: "aescbc", keyName: "a:b", key: kab });
    expect(verdict.verdict, verdict.reasons.join("\n")).toBe("pass");
    const config = KEY_CONFIG.replace("name: key1", 'name: "a:b"').replace("name: key0", "name: a").replace(/(name: a\n\s+secret: ).*/, `$1${ka.toString("base64")}`);
    expect((await verify(dir, config)).verdicts[0]?.reasons.join("\n")).toMatch(/decrypts with the configured key to v1\/Secret secretproof-a1\/a1-canary \(yaml\)/);
    expect(await verify(dir, config)).toMatchObject({ mismatches: [], ok: true });

    cluster.set(SKEY, aescbcValue(yamlSecret("a1-canary"), "a", ka));
    const stale = await recordA1(root, cluster, { provider: "aescbc", keyName: "a:b", key: kab });
    expect(stale.verdict.verdict).toBe("fail");
    const r = await verify(stale.dir, config);
    expect(r).toMatchObject({ mismatches: [], failedClaims: ["A1"] });
    expect(r.verdicts[0]?.reasons[0]).toMatch(/encrypted by aescbc key "a", expected aescbc key "a:b"$/);
  });
});
