import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  describeStoredValue,
  judgeA1,
  judgeEncryptedCanary,
  judgePlaintextControl,
  judgeSecretsScan,
  type A1Evidence,
} from "../../../harness/claims/a1-encryption/judge.ts";
import { decryptStored } from "../../../harness/claims/a1-encryption/stored.ts";
import { aescbcValue, configMapValue, secretJsonValue, secretValue } from "../../support/k8s-values.ts";

const KEY = randomBytes(32);
const CANARY = `canary-${randomBytes(16).toString("hex")}`;
const NS = "secretproof-a1";
const SKEY = `/registry/secrets/${NS}/a1-canary`;
const CKEY = `/registry/configmaps/${NS}/a1-control`;
const expected = { provider: "aescbc" as const, keyName: "key1", key: KEY };
const canarySecret = (value?: Buffer) => ({ key: SKEY, namespace: NS, name: "a1-canary", value });
const control = (value?: Buffer) => ({ key: CKEY, namespace: NS, name: "a1-control", value });
const plainSecret = secretValue("a1-canary", NS, { value: CANARY });
const goodValue = aescbcValue(plainSecret, "key1", KEY);

function evidence(over: Partial<A1Evidence> = {}): A1Evidence {
  const tokenSecret = aescbcValue(secretValue("sa-token", "kube-system", { token: "t" }), "key1", KEY);
  return {
    canary: CANARY,
    secret: canarySecret(goodValue),
    configMap: control(configMapValue("a1-control", NS, { value: CANARY })),
    expected,
    allSecrets: [describeStoredValue("/registry/secrets/kube-system/sa-token", tokenSecret), describeStoredValue(SKEY, goodValue)],
    evidence: ["A1/canary-secret.etcd.b64"],
    ...over,
  };
}

describe("A1 canary Secret", () => {
  it("passes ciphertext under the configured aescbc key that decrypts to the canary", () => {
    const c = judgeEncryptedCanary(canarySecret(goodValue), CANARY, expected);
    expect(c.verdict).toBe("pass");
    expect(c.reasons.join("\n")).toMatch(/canary absent[\s\S]*decrypts with the configured key to v1\/Secret secretproof-a1\/a1-canary \(protobuf\)/);
  });

  it("fails a Secret stored as plaintext protobuf or JSON", () => {
    expect(judgeEncryptedCanary(canarySecret(plainSecret), CANARY, expected)).toMatchObject({ verdict: "fail", reasons: [expect.stringMatching(/plaintext protobuf/)] });
    const json = secretJsonValue("a1-canary", NS, { value: CANARY });
    expect(judgeEncryptedCanary(canarySecret(json), CANARY, expected)).toMatchObject({ verdict: "fail", reasons: [expect.stringMatching(/plaintext json/)] });
  });

  it("fails ciphertext under another key name or provider", () => {
    const other = aescbcValue(plainSecret, "key0", KEY);
    expect(judgeEncryptedCanary(canarySecret(other), CANARY, expected).reasons[0]).toMatch(/aescbc key "key0" \(read up to the first ":".*\), expected aescbc key "key1"/);
    const box = Buffer.concat([Buffer.from("k8s:enc:secretbox:v1:key1:"), randomBytes(80)]);
    expect(judgeEncryptedCanary(canarySecret(box), CANARY, expected).verdict).toBe("fail");
  });

  it("fails a value that carries the prefix but also the canary in clear", () => {
    const fake = Buffer.concat([Buffer.from("k8s:enc:aescbc:v1:key1:"), plainSecret]);
    expect(judgeEncryptedCanary(canarySecret(fake), CANARY, expected)).toMatchObject({ verdict: "fail", reasons: [expect.stringMatching(/canary appears in the stored bytes/)] });
  });

  it("fails ciphertext the configured key does not open", () => {
    // Fixed bytes throughout: with a random canary, a wrong key yields valid PKCS#7 padding about once in 256 runs.
    const fixed = `canary-${"ab".repeat(16)}`;
    const wrong = aescbcValue(secretValue("a1-canary", NS, { value: fixed }), "key1", Buffer.alloc(32, 7), Buffer.alloc(16, 9));
    const c = judgeEncryptedCanary(canarySecret(wrong), fixed, { ...expected, key: Buffer.alloc(32, 0x33) });
    expect(c).toMatchObject({ verdict: "fail", reasons: [expect.stringMatching(/does not decrypt under the configured aescbc key "key1"/)] });
  });

  it("never passes and never throws for ciphertext under any of 1,000 wrong keys, even when the padding happens to check out", () => {
    const verdicts = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      verdicts.add(judgeEncryptedCanary(canarySecret(goodValue), CANARY, { ...expected, key: randomBytes(32) }).verdict);
    }
    expect([...verdicts]).toEqual(["fail"]);
  });

  it("fails ciphertext that decrypts to another object or lacks the canary", () => {
    const otherObj = aescbcValue(secretValue("someone-else", NS, { value: CANARY }), "key1", KEY);
    expect(judgeEncryptedCanary(canarySecret(otherObj), CANARY, expected).reasons.join()).toMatch(/expected v1\/Secret secretproof-a1\/a1-canary/);
    const noCanary = aescbcValue(secretValue("a1-canary", NS, { value: "x" }), "key1", KEY);
    expect(judgeEncryptedCanary(canarySecret(noCanary), CANARY, expected).reasons.join()).toMatch(/canary is not in it/);
  });

  it("is inconclusive, with the reason, for a truncated IV, garbage, a missing key or no key to decrypt with", () => {
    const truncated = Buffer.concat([Buffer.from("k8s:enc:aescbc:v1:key1:"), randomBytes(9)]);
    expect(judgeEncryptedCanary(canarySecret(truncated), CANARY, expected)).toMatchObject({ verdict: "inconclusive", reasons: [expect.stringMatching(/shorter than the 16-byte IV/)] });
    expect(judgeEncryptedCanary(canarySecret(randomBytes(64)), CANARY, expected).verdict).toBe("inconclusive");
    expect(judgeEncryptedCanary(canarySecret(undefined), CANARY, expected).reasons[0]).toMatch(/not found in etcd/);
    const noKey = judgeEncryptedCanary(canarySecret(goodValue), CANARY, { provider: "aescbc", keyName: "key1" });
    expect(noKey).toMatchObject({ verdict: "inconclusive", reasons: [expect.stringMatching(/no key was supplied and no decryption was recorded/)] });
  });
});

describe("A1 canary Secret judged on its recorded decryption (no key)", () => {
  const noKey = { provider: "aescbc" as const, keyName: "key1" };
  const recorded = (value: Buffer, key = KEY) => ({ ...canarySecret(value), decrypted: decryptStored(canarySecret(value), key) });

  it("passes ciphertext whose recorded decryption is the canary Secret", () => {
    const c = judgeEncryptedCanary(recorded(goodValue), CANARY, noKey);
    expect(c.verdict).toBe("pass");
    expect(c.reasons.join("\n")).toMatch(/decrypts under the configured key when collected \(recorded; the key is not\)/);
  });

  it("fails a recorded decryption that is another object, lacks the canary, or was rejected by the key", () => {
    const other = { ...canarySecret(goodValue), decrypted: { status: "ok" as const, plaintext: secretValue("x", NS, { value: CANARY }) } };
    expect(judgeEncryptedCanary(other, CANARY, noKey).reasons.join()).toMatch(/expected v1\/Secret secretproof-a1\/a1-canary/);
    const empty = { ...canarySecret(goodValue), decrypted: { status: "ok" as const, plaintext: secretValue("a1-canary", NS, { value: "x" }) } };
    expect(judgeEncryptedCanary(empty, CANARY, noKey).reasons.join()).toMatch(/canary is not in it/);
    expect(judgeEncryptedCanary(recorded(goodValue, Buffer.alloc(32, 5)), CANARY, noKey).verdict).toBe("fail");
  });

  it("with the key, fails when the recorded decryption is not what the ciphertext decrypts to", () => {
    const forged = { ...canarySecret(goodValue), decrypted: { status: "ok" as const, plaintext: secretValue("a1-canary", NS, { value: `${CANARY}-` }) } };
    expect(judgeEncryptedCanary(forged, CANARY, noKey).verdict).toBe("pass");
    const c = judgeEncryptedCanary(forged, CANARY, expected);
    expect(c).toMatchObject({ verdict: "fail", reasons: [expect.any(String), expect.stringMatching(/recorded decryption \(\d+ bytes, sha256 [0-9a-f]{16}…\) is not what the ciphertext decrypts to under the supplied key/)] });
    expect(judgeEncryptedCanary(recorded(goodValue), CANARY, expected).verdict).toBe("pass");
  });
});

describe("A1 negative control", () => {
  it("passes when the ConfigMap canary is plaintext and the canary is found", () => {
    const c = judgePlaintextControl(control(configMapValue("a1-control", NS, { value: CANARY })), CANARY);
    expect(c).toMatchObject({ verdict: "pass", reasons: [expect.stringMatching(/the probe sees plaintext/)] });
  });

  it("is inconclusive when the control is encrypted, missing, another object or lacks the canary", () => {
    const enc = aescbcValue(configMapValue("a1-control", NS, { value: CANARY }), "key1", KEY);
    expect(judgePlaintextControl(control(enc), CANARY).reasons[0]).toMatch(/encrypted too/);
    expect(judgePlaintextControl(control(undefined), CANARY).verdict).toBe("inconclusive");
    expect(judgePlaintextControl(control(configMapValue("x", NS, { value: CANARY })), CANARY).reasons[0]).toMatch(/not the control ConfigMap/);
    expect(judgePlaintextControl(control(configMapValue("a1-control", NS, { value: "x" })), CANARY).reasons[0]).toMatch(/canary is not in it/);
  });
});

describe("A1 scan of every stored Secret", () => {
  it("fails naming each Secret written before encryption, never its bytes", () => {
    const old = secretValue("legacy", "default", { password: "hunter2-legacy" });
    const all = [...evidence().allSecrets, describeStoredValue("/registry/secrets/default/legacy", old)];
    const c = judgeSecretsScan(all, expected, SKEY);
    expect(c.verdict).toBe("fail");
    expect(c.reasons.join("\n")).toMatch(/1 of 3 stored Secrets[\s\S]*\/registry\/secrets\/default\/legacy: plaintext protobuf/);
    expect(c.reasons.join("\n")).not.toContain("hunter2");
  });

  it("is inconclusive when it saw nothing or missed the canary", () => {
    expect(judgeSecretsScan([], expected, SKEY).verdict).toBe("inconclusive");
    expect(judgeSecretsScan(evidence().allSecrets.slice(0, 1), expected, SKEY).reasons[0]).toMatch(/does not include/);
  });
});

describe("A1 verdict", () => {
  it("passes with a passing negative control, and lists the evidence", () => {
    const v = judgeA1(evidence());
    expect(v).toMatchObject({ claim: "A1", verdict: "pass", evidence: ["A1/canary-secret.etcd.b64"], negativeControl: { verdict: "pass" } });
  });

  it("is inconclusive when everything is encrypted but the control cannot show plaintext", () => {
    const v = judgeA1(evidence({ configMap: control(undefined) }));
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons.at(-1)).toMatch(/negative control did not show plaintext/);
  });

  it("fails when the canary is plaintext even though the control passes", () => {
    expect(judgeA1(evidence({ secret: canarySecret(plainSecret) })).verdict).toBe("fail");
  });

  it("never puts the key into reasons", () => {
    const text = JSON.stringify(judgeA1(evidence({ secret: canarySecret(aescbcValue(plainSecret, "key1", Buffer.alloc(32, 1))) })));
    expect(text).not.toContain(KEY.toString("base64"));
    expect(text).not.toContain(KEY.toString("hex"));
  });
});

describe("stored value descriptions for the evidence bundle", () => {
  it("records format, provider, key name, length and hash, not the bytes", () => {
    expect(describeStoredValue(SKEY, goodValue)).toMatchObject({ key: SKEY, format: "encrypted", provider: "aescbc", keyName: "key1", bytes: goodValue.length });
    const d = describeStoredValue("/registry/secrets/default/legacy", plainSecret);
    expect(d).toMatchObject({ format: "plaintext-protobuf" });
    expect(JSON.stringify(d)).not.toContain(CANARY);
  });
});
