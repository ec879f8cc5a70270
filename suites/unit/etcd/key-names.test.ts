import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decrypt, decryptAescbc } from "../../../harness/etcd/decrypt.ts";
import { classify, describeKeyName, keyNamesMatching, underKey, type Encrypted } from "../../../harness/etcd/envelope.ts";
import { aescbcValue, aesgcmValue, secretValue } from "../../support/k8s-values.ts";

const ETCD_KEY = "/registry/secrets/a1/canary";
const plain = secretValue("canary", "a1", { value: "canary-7f3a" });

function encrypted(v: Buffer): Encrypted {
  const c = classify(v);
  if (c.kind !== "encrypted") throw new Error(`expected encrypted, got ${c.kind}: ${JSON.stringify(c)}`);
  return c;
}

/** The apiserver's read: every configured key whose `<name>:` prefixes the value, in order; the first that decrypts wins (transformer.go:109-158). */
function apiserverRead(c: Encrypted, keys: [string, Buffer][]): string | undefined {
  for (const [name, secret] of keys) {
    const under = underKey(c, name);
    if (under && decrypt(under, secret, ETCD_KEY).status === "ok") return name;
  }
  return undefined;
}

describe("key names as EncryptionConfiguration allows them: any non-empty string", () => {
  it("reads a name with a space, and non-ASCII names by their UTF-8 bytes", () => {
    for (const name of ["key 1", "clé-été", " lead and trail "]) {
      const key = randomBytes(32);
      const c = encrypted(aescbcValue(plain, name, key));
      expect([c.keyName, c.prefix]).toEqual([name, `k8s:enc:aescbc:v1:${name}:`]);
      expect(decrypt(c, key, ETCD_KEY)).toEqual({ status: "ok", plaintext: plain });
    }
  });

  it("reads a name holding ':' only under that configured name; the bytes alone give the reading up to the first ':'", () => {
    const key = randomBytes(32);
    const c = encrypted(aescbcValue(plain, "a:b", key));
    expect([c.keyName, c.prefix]).toEqual(["a", "k8s:enc:aescbc:v1:a:"]);
    const ab = underKey(c, "a:b");
    expect(ab?.prefix).toBe("k8s:enc:aescbc:v1:a:b:");
    expect(decrypt(ab as Encrypted, key, ETCD_KEY)).toEqual({ status: "ok", plaintext: plain });
    expect(describeKeyName(c)).toBe('key "a" (read up to the first ":", as a name may itself hold ":")');
    expect(describeKeyName(c, ["k", "a:b"])).toBe('key "a:b"');
    expect(describeKeyName(c, ["k"])).toMatch(/^key "a" \(matches no configured key; read up to the first ":"/);
  });

  it("with keys a and a:b configured, a value under a:b matches both prefixes and only a:b opens it, as the apiserver finds", () => {
    const [ka, kab] = [randomBytes(32), randomBytes(32)];
    for (const seal of [(k: Buffer) => aescbcValue(plain, "a:b", k), (k: Buffer) => aesgcmValue(plain, "a:b", k, ETCD_KEY)]) {
      const c = encrypted(seal(kab));
      expect(keyNamesMatching(c, ["a", "a:b", "k"])).toEqual(["a", "a:b"]);
      expect(decrypt(underKey(c, "a") as Encrypted, ka, ETCD_KEY).status).not.toBe("ok");
      expect(apiserverRead(c, [["a", ka], ["a:b", kab]])).toBe("a:b");
      expect(apiserverRead(encrypted(aescbcValue(plain, "a", ka)), [["a:b", kab], ["a", ka]])).toBe("a");
    }
  });

  it("reads the name 'k' right even when the IV that follows holds ':' bytes", () => {
    const key = randomBytes(32);
    const c = encrypted(aescbcValue(plain, "k", key, Buffer.from("::::::::::::::::")));
    expect([c.keyName, c.payload.length % 16]).toEqual(["k", 0]);
    expect(decrypt(c, key, ETCD_KEY)).toEqual({ status: "ok", plaintext: plain });
    expect(keyNamesMatching(c, ["k:", "k", "k::"])).toEqual(["k:", "k", "k::"]);
    expect(apiserverRead(c, [["k:", randomBytes(32)], ["k", key]])).toBe("k");
  });

  it("reads a name that starts with ':' (non-empty, so valid) and a long name", () => {
    const key = randomBytes(16);
    expect(encrypted(aescbcValue(plain, ":x", key)).keyName).toBe(":x");
    const long = "n".repeat(700);
    expect(encrypted(aesgcmValue(plain, long, key, ETCD_KEY)).keyName).toBe(long);
  });

  it("does not match a configured name that is only a prefix of the stored name's text", () => {
    const c = encrypted(aescbcValue(plain, "key10", randomBytes(32)));
    expect(underKey(c, "key1")).toBeUndefined();
    expect(underKey(c, "")).toBeUndefined();
    expect(underKey(c, "key10")?.keyName).toBe("key10");
  });

  it("reads a KMS v2 provider name exactly: validation forbids ':' in it", () => {
    const c = encrypted(Buffer.concat([Buffer.from("k8s:enc:kms:v2:vault kms:"), randomBytes(60)]));
    expect([c.provider, c.keyName]).toEqual(["kms-v2", "vault kms"]);
    expect(describeKeyName(c)).toBe('key "vault kms"');
  });

  it("calls a provider prefix with no '<name>:' after it unrecognized", () => {
    expect(classify(Buffer.from("k8s:enc:aescbc:v1:no-colon-here"))).toMatchObject({ kind: "unrecognized", reason: expect.stringMatching(/not followed by <keyName>:/) });
    expect(classify(Buffer.from("k8s:enc:aescbc:v1::"))).toMatchObject({ kind: "unrecognized" });
  });
});

describe("aescbc padding as kube-apiserver checks it", () => {
  it("accepts any pad length up to the plaintext's, all bytes equal (aes.go:241-252)", () => {
    const key = randomBytes(32);
    const iv = randomBytes(16);
    const body = Buffer.concat([Buffer.from("0123456789abcdef"), Buffer.alloc(32, 32)]);
    const c = createCipheriv("aes-256-cbc", key, iv).setAutoPadding(false);
    const payload = Buffer.concat([iv, c.update(body), c.final()]);
    expect(decryptAescbc(payload, key)).toEqual({ status: "ok", plaintext: Buffer.from("0123456789abcdef") });
  });
});
