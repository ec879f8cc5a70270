import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { describeStoredValue, judgeA1, judgeEncryptedCanary, judgePlaintextControl, judgeSecretsScan, type A1Evidence } from "../../../harness/claims/a1-encryption/judge.ts";
import { decryptStored } from "../../../harness/claims/a1-encryption/stored.ts";
import type { Provider } from "../../../harness/etcd/envelope.ts";
import { aescbcValue, aesgcmValue, configMapYamlValue, secretJsonValue, secretValue, secretYamlValue } from "../../support/k8s-values.ts";

/** A1 on the configurations kube-apiserver accepts: any non-empty key name, and JSON or YAML storage as well as protobuf. */

const KEY = randomBytes(32);
const CANARY = `canary-${randomBytes(16).toString("hex")}`;
const NS = "secretproof-a1";
const SKEY = `/registry/secrets/${NS}/a1-canary`;
const canarySecret = (value?: Buffer) => ({ key: SKEY, namespace: NS, name: "a1-canary", value });
const control = (value: Buffer) => ({ key: `/registry/configmaps/${NS}/a1-control`, namespace: NS, name: "a1-control", value });

const media = {
  protobuf: (name: string, ns: string, data: Record<string, string>) => secretValue(name, ns, data),
  json: secretJsonValue,
  yaml: secretYamlValue,
};
const seal = {
  aescbc: (p: Buffer, name: string, key: Buffer, etcdKey: string) => (void etcdKey, aescbcValue(p, name, key)),
  aesgcm: aesgcmValue,
};

describe("A1 canary Secret under every key name and storage media type kube-apiserver accepts", () => {
  for (const [provider, encrypt] of Object.entries(seal) as [Provider, (typeof seal)["aesgcm"]][]) {
    for (const keyName of ["key 1", "a:b", "k"]) {
      for (const [type, encode] of Object.entries(media)) {
        it(`passes ${provider} key "${keyName}" around a ${type} Secret that decrypts to the canary`, () => {
          const stored = encrypt(encode("a1-canary", NS, { value: CANARY }), keyName, KEY, SKEY);
          const c = judgeEncryptedCanary(canarySecret(stored), CANARY, { provider, keyName, key: KEY });
          expect(c.verdict, c.reasons.join("\n")).toBe("pass");
          expect(c.reasons.join("\n")).toContain(`prefix "k8s:enc:${provider}:v1:${keyName}:"`);
          expect(c.reasons.join("\n")).toContain(`(${type}) holding the canary`);
        });
      }
    }
  }

  it("passes on the decryption recorded at collection under a colon name, without the key", () => {
    const stored = aescbcValue(secretYamlValue("a1-canary", NS, { value: CANARY }), "a:b", KEY);
    const recorded = { ...canarySecret(stored), decrypted: decryptStored(canarySecret(stored), KEY, "a:b") };
    expect(judgeEncryptedCanary(recorded, CANARY, { provider: "aescbc", keyName: "a:b" }).verdict).toBe("pass");
  });

  it("fails a YAML-stored Secret in clear, and passes a YAML-stored control ConfigMap", () => {
    const c = judgeEncryptedCanary(canarySecret(secretYamlValue("a1-canary", NS, { value: CANARY })), CANARY, { provider: "aescbc", keyName: "k", key: KEY });
    expect(c).toMatchObject({ verdict: "fail", reasons: [expect.stringMatching(/stored as plaintext yaml \(starts "apiVersion: v1/)] });
    const ctl = judgePlaintextControl(control(configMapYamlValue("a1-control", NS, { value: CANARY })), CANARY);
    expect(ctl).toMatchObject({ verdict: "pass", reasons: [expect.stringMatching(/plaintext yaml v1\/ConfigMap/)] });
  });

  it("fails a value the apiserver cannot classify when the canary is readable in it", () => {
    const odd = Buffer.concat([Buffer.from([0xff]), secretYamlValue("a1-canary", NS, { value: CANARY })]);
    expect(judgeEncryptedCanary(canarySecret(odd), CANARY, { provider: "aescbc", keyName: "k", key: KEY })).toMatchObject({
      verdict: "fail",
      reasons: [expect.stringMatching(/unknown prefix.*the canary is in the stored bytes at offset/)],
    });
  });
});

describe("A1 when key names share a prefix", () => {
  const [ka, kab] = [randomBytes(32), randomBytes(32)];
  const underAB = aescbcValue(secretValue("a1-canary", NS, { value: CANARY }), "a:b", kab);

  it("expecting key a, a value under a:b carries a's prefix but is not under a; without the configuration that is inconclusive and says why", () => {
    const c = judgeEncryptedCanary(canarySecret(underAB), CANARY, { provider: "aescbc", keyName: "a", key: ka });
    expect(c).toMatchObject({ verdict: "inconclusive", reasons: [expect.stringMatching(/malformed.*a key whose name starts with "a:" would carry this prefix too/)] });
  });

  it("with the configuration, names the configured key that opens it and fails", () => {
    const configuredKeys = [
      { provider: "aescbc", name: "a", secret: ka },
      { provider: "aescbc", name: "a:b", secret: kab },
    ];
    const c = judgeEncryptedCanary(canarySecret(underAB), CANARY, { provider: "aescbc", keyName: "a", key: ka, configuredKeys });
    expect(c).toMatchObject({ verdict: "fail", reasons: [expect.stringMatching(/does not open under aescbc key "a" \(malformed\) but under configured key "a:b"/)] });
    const gcm = aesgcmValue(secretValue("a1-canary", NS, { value: CANARY }), "a:b", kab, SKEY);
    const g = judgeEncryptedCanary(canarySecret(gcm), CANARY, { provider: "aesgcm", keyName: "a", key: ka, configuredKeys: configuredKeys.map((k) => ({ ...k, provider: "aesgcm" })) });
    expect(g.reasons[0]).toMatch(/\(rejected\) but under configured key "a:b"/);
  });

  it("expecting key a:b, a value under key a fails, named by the configured names when supplied", () => {
    const underA = aescbcValue(secretValue("a1-canary", NS, { value: CANARY }), "a", ka);
    const plain = judgeEncryptedCanary(canarySecret(underA), CANARY, { provider: "aescbc", keyName: "a:b", key: kab });
    expect(plain.reasons[0]).toMatch(/encrypted by aescbc key "a" \(read up to the first ":".*\), expected aescbc key "a:b"/);
    const named = judgeEncryptedCanary(canarySecret(underA), CANARY, { provider: "aescbc", keyName: "a:b", key: kab, configuredKeys: [{ provider: "aescbc", name: "a" }] });
    expect(named).toMatchObject({ verdict: "fail", reasons: [expect.stringMatching(/encrypted by aescbc key "a", expected aescbc key "a:b"$/)] });
  });
});

describe("A1 scan of every stored Secret, in every format", () => {
  const expected = { provider: "aescbc" as const, keyName: "a:b", key: KEY };
  const row = (name: string, value: Buffer) => describeStoredValue(`/registry/secrets/${NS}/${name}`, value, expected);
  const sealed = (name: string, encode: (typeof media)["json"], keyName = "a:b", key = KEY) => row(name, aescbcValue(encode(name, NS, { p: "x" }), keyName, key));

  it("passes protobuf, JSON and YAML Secrets under a colon-named key, each decrypted at collection", () => {
    const rows = [sealed("a1-canary", media.protobuf), sealed("j", secretJsonValue), sealed("y", secretYamlValue)];
    expect(rows.map((r) => [r.format, r.format === "encrypted" && r.keyName, r.format === "encrypted" && r.decryption])).toEqual(Array(3).fill(["encrypted", "a:b", "ok"]));
    expect(judgeSecretsScan(rows, expected, SKEY)).toMatchObject({ verdict: "pass", reasons: [expect.stringMatching(/all 3 values .* aescbc key "a:b"; each decrypts under it/)] });
  });

  it("fails a YAML Secret written before encryption, and one whose prefix matches but whose key does not open it", () => {
    const legacy = row("legacy", secretYamlValue("legacy", NS, { password: "hunter2-legacy" }));
    expect(legacy).toMatchObject({ format: "plaintext-yaml" });
    const wrong = sealed("wrong", secretJsonValue, "a:b", Buffer.alloc(32, 9));
    const c = judgeSecretsScan([sealed("a1-canary", media.protobuf), legacy, wrong], expected, SKEY);
    expect(c.verdict).toBe("fail");
    expect(c.reasons.join("\n")).toMatch(/legacy: plaintext yaml[\s\S]*wrong: carries the aescbc key "a:b" prefix but does not decrypt under that key/);
    expect(c.reasons.join("\n")).not.toContain("hunter2");
  });

  it("describes a Secret under another key by the reading up to the first ':'", () => {
    const c = judgeSecretsScan([sealed("a1-canary", media.protobuf), sealed("old", secretJsonValue, "old:1")], expected, SKEY);
    expect(c.reasons.join("\n")).toMatch(/old: aescbc key "old" \(read up to the first ":"\)/);
  });
});

describe("A1 verdict on a YAML-storage cluster with a colon-named key", () => {
  it("passes end to end", () => {
    const expected = { provider: "aesgcm" as const, keyName: "key 1:2026", key: KEY };
    const stored = aesgcmValue(secretYamlValue("a1-canary", NS, { value: CANARY }), "key 1:2026", KEY, SKEY);
    const e: A1Evidence = {
      canary: CANARY,
      secret: canarySecret(stored),
      configMap: control(configMapYamlValue("a1-control", NS, { value: CANARY })),
      expected,
      allSecrets: [describeStoredValue(SKEY, stored, expected)],
    };
    const v = judgeA1(e);
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});
