import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decrypt, decryptAescbc, decryptAesgcm } from "../../../harness/etcd/decrypt.ts";
import { classify } from "../../../harness/etcd/envelope.ts";
import { decodeObject } from "../../../harness/etcd/stored-object.ts";
import {
  aescbcValue,
  aesgcmValue,
  configMapValue,
  configMapYamlValue,
  lenField,
  secretJsonValue,
  secretValue,
  secretYamlValue,
  unknownEnvelope,
} from "../../support/k8s-values.ts";

const KEY = randomBytes(32);
const ETCD_KEY = "/registry/secrets/a1/canary";
const plain = secretValue("canary", "a1", { value: "canary-7f3a" });

function encrypted(v: Buffer) {
  const c = classify(v);
  if (c.kind !== "encrypted") throw new Error(`expected encrypted, got ${c.kind}`);
  return c;
}

describe("etcd value classification", () => {
  it("recognises identity protobuf by the k8s\\x00 magic and JSON by its brace", () => {
    expect(classify(plain)).toEqual({ kind: "plaintext", encoding: "protobuf" });
    expect(classify(secretJsonValue("n", "ns", { a: "b" }))).toEqual({ kind: "plaintext", encoding: "json" });
  });

  it("recognises YAML storage (--storage-media-type=application/yaml) by parsing it, and JSON after leading whitespace", () => {
    const yaml = secretYamlValue("n", "ns", { a: "b" });
    expect(yaml.toString().startsWith("apiVersion: v1\ndata:\n  a: Yg==\nkind: Secret\nmetadata:\n")).toBe(true);
    expect(classify(yaml)).toEqual({ kind: "plaintext", encoding: "yaml" });
    expect(classify(configMapYamlValue("c", "ns", { value: "x" }))).toEqual({ kind: "plaintext", encoding: "yaml" });
    expect(classify(Buffer.from(` \n${secretJsonValue("n", "ns", { a: "b" }).toString()}`))).toEqual({ kind: "plaintext", encoding: "json" });
  });

  it("calls text that is not a YAML object with apiVersion and kind unrecognized, saying why", () => {
    const cases: [string, RegExp][] = [
      ["just some words", /YAML but not a mapping/],
      ["apiVersion: v1\nmetadata: {}\n", /without string apiVersion and kind/],
      ["apiVersion: v1\nkind: [unclosed\n", /not YAML \(YAML error at line \d+\)/],
    ];
    for (const [text, why] of cases) expect(classify(Buffer.from(text))).toMatchObject({ kind: "unrecognized", reason: expect.stringMatching(why) });
    expect(classify(Buffer.from([0xff, 0xfe, 0x00, 0x41]))).toMatchObject({ kind: "unrecognized", reason: expect.stringMatching(/not UTF-8/) });
  });

  it("never quotes the value when YAML parsing fails", () => {
    const c = classify(Buffer.from("apiVersion: v1\nkind: Secret\ndata: {password: hunter2-live\n"));
    expect(c.kind).toBe("unrecognized");
    expect(JSON.stringify(c)).not.toContain("hunter2");
  });

  it("names provider and key for each encrypted prefix kube-apiserver writes", () => {
    const cases: [string, string][] = [
      ["k8s:enc:aescbc:v1:key1:", "aescbc"],
      ["k8s:enc:aesgcm:v1:key-2:", "aesgcm"],
      ["k8s:enc:secretbox:v1:sb:", "secretbox"],
      ["k8s:enc:kms:v1:vault-kms:", "kms-v1"],
      ["k8s:enc:kms:v2:vault-kms:", "kms-v2"],
      ["k8s:enc:rot13:v9:k:", "other:rot13:v9"],
    ];
    for (const [prefix, provider] of cases) {
      const c = encrypted(Buffer.concat([Buffer.from(prefix), randomBytes(40)]));
      expect([c.provider, c.prefix, c.keyName, c.payload.length]).toEqual([provider, prefix, prefix.split(":")[4], 40]);
    }
  });

  it("classifies a kms v2 value without decoding its EncryptedObject", () => {
    const v = Buffer.concat([Buffer.from("k8s:enc:kms:v2:kms-plugin:"), lenField(1, randomBytes(48)), lenField(2, "key-id")]);
    const c = encrypted(v);
    expect(decrypt(c, KEY, ETCD_KEY)).toMatchObject({ status: "unsupported", reason: expect.stringMatching(/kms-v2/) });
  });

  it("calls empty, garbage and half-written headers unrecognized, with the reason", () => {
    expect(classify(Buffer.alloc(0))).toEqual({ kind: "unrecognized", reason: "the value is empty" });
    expect(classify(Buffer.from("\x89PNG\r\n"))).toMatchObject({ kind: "unrecognized", reason: expect.stringMatching(/unknown prefix/) });
    expect(classify(Buffer.from("k8s:enc:aescbc:v1:"))).toMatchObject({ kind: "unrecognized", reason: expect.stringMatching(/truncated/) });
  });
});

describe("decoding stored objects", () => {
  it("reads apiVersion, kind, name and namespace from the protobuf runtime.Unknown envelope", () => {
    const d = decodeObject(configMapValue("control", "a1", { value: "x" }));
    expect(d).toMatchObject({ ok: true, object: { encoding: "protobuf", apiVersion: "v1", kind: "ConfigMap", name: "control", namespace: "a1" } });
  });

  it("reads the same from JSON storage", () => {
    const d = decodeObject(secretJsonValue("s", "ns", { k: "v" }));
    expect(d).toMatchObject({ ok: true, object: { encoding: "json", apiVersion: "v1", kind: "Secret", name: "s", namespace: "ns" } });
  });

  it("reads the same from YAML storage, and the raw text holds the Secret's base64 data", () => {
    const d = decodeObject(secretYamlValue("s", "ns", { k: "canary-7f3a" }));
    expect(d).toMatchObject({ ok: true, object: { encoding: "yaml", apiVersion: "v1", kind: "Secret", name: "s", namespace: "ns" } });
    expect(d.ok && d.object.raw.toString()).toContain(`k: ${Buffer.from("canary-7f3a").toString("base64")}`);
  });

  it("reports a truncated envelope instead of throwing", () => {
    expect(decodeObject(plain.subarray(0, plain.length - 5))).toMatchObject({ ok: false, reason: expect.stringMatching(/malformed protobuf/) });
    expect(decodeObject(unknownEnvelope("v1", "Secret", Buffer.alloc(0)).subarray(0, 6))).toMatchObject({ ok: false });
    expect(decodeObject(Buffer.from("{not json"))).toMatchObject({ ok: false, reason: expect.stringMatching(/not JSON/) });
  });
});

describe("decryption", () => {
  it("opens aescbc the way kube-apiserver lays it out: IV, then CBC with PKCS#7", () => {
    for (const len of [16, 24, 32]) {
      const key = randomBytes(len);
      const c = encrypted(aescbcValue(plain, "key1", key));
      expect(c.payload.length % 16).toBe(0);
      expect(decrypt(c, key, ETCD_KEY)).toEqual({ status: "ok", plaintext: plain });
    }
  });

  it("opens aescbc and aesgcm around protobuf, JSON and YAML payloads alike", () => {
    const payloads = [plain, secretJsonValue("canary", "a1", { value: "v" }), secretYamlValue("canary", "a1", { value: "v" })];
    for (const p of payloads) {
      for (const v of [aescbcValue(p, "key1", KEY), aesgcmValue(p, "key1", KEY, ETCD_KEY)]) {
        const d = decrypt(encrypted(v), KEY, ETCD_KEY);
        expect(d).toEqual({ status: "ok", plaintext: p });
        expect(d.status === "ok" && decodeObject(d.plaintext)).toMatchObject({ ok: true, object: { kind: "Secret", name: "canary" } });
      }
    }
  });

  it("rejects aescbc under the wrong key", () => {
    const key = Buffer.alloc(32, 0x11);
    const c = encrypted(aescbcValue(plain, "key1", key, Buffer.alloc(16, 0x22)));
    expect(decryptAescbc(c.payload, Buffer.alloc(32, 0x33))).toMatchObject({ status: "rejected", reason: expect.stringMatching(/wrong key/) });
    expect(decryptAescbc(c.payload, key)).toEqual({ status: "ok", plaintext: plain });
  });

  it("calls a truncated IV or a ragged ciphertext malformed", () => {
    expect(decryptAescbc(randomBytes(10), KEY)).toMatchObject({ status: "malformed", reason: expect.stringMatching(/16-byte IV/) });
    expect(decryptAescbc(randomBytes(16), KEY)).toMatchObject({ status: "malformed" });
    expect(decryptAescbc(randomBytes(16 + 20), KEY)).toMatchObject({ status: "malformed", reason: expect.stringMatching(/multiple of 16/) });
  });

  it("refuses a key of a length AES does not have", () => {
    expect(decryptAescbc(randomBytes(48), randomBytes(20))).toMatchObject({ status: "unsupported" });
  });

  it("opens aesgcm only with the right key and the etcd key as authenticated data", () => {
    const c = encrypted(aesgcmValue(plain, "g1", KEY, ETCD_KEY));
    expect(decrypt(c, KEY, ETCD_KEY)).toEqual({ status: "ok", plaintext: plain });
    expect(decryptAesgcm(c.payload, KEY, "/registry/secrets/a1/other")).toMatchObject({ status: "rejected" });
    expect(decryptAesgcm(c.payload, randomBytes(32), ETCD_KEY)).toMatchObject({ status: "rejected" });
    expect(decryptAesgcm(c.payload.subarray(0, 20), KEY, ETCD_KEY)).toMatchObject({ status: "malformed" });
  });
});
