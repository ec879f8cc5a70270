import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeStoredValue, judgeA1, judgeEncryptedCanary, judgePlaintextControl, type A1Evidence } from "../../harness/claims/a1-encryption/judge.ts";
import { writeA1Evidence } from "../../harness/claims/a1-encryption/evidence.ts";
import { LAYOUT } from "../../harness/claims/a1-encryption/layout.ts";
import { startLocalEtcd, type LocalEtcd } from "../../harness/etcd/local-server.ts";
import { listFiles } from "../../harness/evidence/manifest.ts";
import { EvidenceRecorder } from "../../harness/evidence/recorder.ts";
import { Redactor } from "../../harness/evidence/redact.ts";
import { loadProfile } from "../../harness/vitest/index.ts";
import { aescbcValue, aesgcmValue, configMapValue, configMapYamlValue, secretJsonValue, secretValue, secretYamlValue } from "../support/k8s-values.ts";

const KEY = randomBytes(32);
const CANARY = `canary-${randomBytes(16).toString("hex")}`;
const NS = "secretproof-a1";
const expected = { provider: "aescbc" as const, keyName: "key1", key: KEY };
const secretKey = (name: string) => `/registry/secrets/${NS}/${name}`;
const canary = (name: string, value?: Buffer) => ({ key: secretKey(name), namespace: NS, name, value });

let etcd: LocalEtcd;
beforeAll(async () => {
  etcd = await startLocalEtcd(loadProfile());
});
afterAll(async () => {
  await etcd?.stop();
});

/** Writes `value` at the Secret's key in the real etcd and reads it back through the probe. */
async function roundTrip(name: string, value: Buffer) {
  await etcd.put(secretKey(name), value);
  return canary(name, (await etcd.probe.get(secretKey(name)))?.value);
}

describe("etcd probe against a real etcd", () => {
  it("reads back arbitrary binary bytes exactly as written, NUL and trailing newline included", async () => {
    const bytes = Buffer.concat([Buffer.from([0, 0xff, 0x0a]), randomBytes(4096), Buffer.from("\n")]);
    await etcd.put("/registry/secrets/probe/binary", bytes);
    expect((await etcd.probe.get("/registry/secrets/probe/binary"))?.value).toEqual(bytes);
    expect(await etcd.probe.get("/registry/secrets/probe/absent")).toBeUndefined();
  });

  it("lists keys by prefix without values, and values by prefix", async () => {
    await etcd.put("/registry/configmaps/probe/one", Buffer.from("1"));
    await etcd.put("/registry/configmaps/probe/two", Buffer.from("2"));
    expect(await etcd.probe.keys("/registry/configmaps/probe/")).toEqual(["/registry/configmaps/probe/one", "/registry/configmaps/probe/two"]);
    const values = await etcd.probe.values("/registry/configmaps/probe/");
    expect(values.map((kv) => kv.value?.toString())).toEqual(["1", "2"]);
  });
});

describe("A1 judge on values stored in a real etcd", () => {
  it("an aescbc Secret laid out like kube-apiserver's is ciphertext that decrypts to the canary", async () => {
    const c = await roundTrip("aescbc", aescbcValue(secretValue("aescbc", NS, { value: CANARY }), "key1", KEY));
    expect(judgeEncryptedCanary(c, CANARY, expected).verdict).toBe("pass");
  });

  it("a plaintext protobuf or JSON Secret fails", async () => {
    const proto = await roundTrip("plain", secretValue("plain", NS, { value: CANARY }));
    expect(judgeEncryptedCanary(proto, CANARY, expected).verdict).toBe("fail");
    const json = await roundTrip("json", secretJsonValue("json", NS, { value: CANARY }));
    expect(judgeEncryptedCanary(json, CANARY, expected).verdict).toBe("fail");
  });

  it("ciphertext under a key other than the configured one fails", async () => {
    const c = await roundTrip("wrongkey", aescbcValue(secretValue("wrongkey", NS, { value: CANARY }), "key1", Buffer.alloc(32, 5), Buffer.alloc(16, 6)));
    expect(judgeEncryptedCanary(c, CANARY, { ...expected, key: Buffer.alloc(32, 8) })).toMatchObject({ verdict: "fail" });
  });

  it("a truncated IV and garbage are inconclusive with the reason", async () => {
    const t = await roundTrip("truncated", Buffer.concat([Buffer.from("k8s:enc:aescbc:v1:key1:"), randomBytes(7)]));
    expect(judgeEncryptedCanary(t, CANARY, expected)).toMatchObject({ verdict: "inconclusive", reasons: [expect.stringMatching(/16-byte IV/)] });
    const g = await roundTrip("garbage", randomBytes(200));
    expect(judgeEncryptedCanary(g, CANARY, expected)).toMatchObject({ verdict: "inconclusive", reasons: [expect.stringMatching(/unknown prefix/)] });
  });

  it("the probe sees a plaintext ConfigMap canary (negative control)", async () => {
    const key = `/registry/configmaps/${NS}/control`;
    await etcd.put(key, configMapValue("control", NS, { value: CANARY }));
    const c = { key, namespace: NS, name: "control", value: (await etcd.probe.get(key))?.value };
    expect(judgePlaintextControl(c, CANARY).verdict).toBe("pass");
  });
});

describe("A1 on what a YAML-storage apiserver with colon- and space-named keys writes, through a real etcd", () => {
  it("a YAML Secret in clear fails, and a YAML control ConfigMap shows the probe sees plaintext", async () => {
    const plain = await roundTrip("yaml-plain", secretYamlValue("yaml-plain", NS, { value: CANARY }));
    expect(judgeEncryptedCanary(plain, CANARY, expected)).toMatchObject({ verdict: "fail", reasons: [expect.stringMatching(/plaintext yaml/)] });
    const key = `/registry/configmaps/${NS}/yaml-control`;
    await etcd.put(key, configMapYamlValue("yaml-control", NS, { value: CANARY }));
    const c = { key, namespace: NS, name: "yaml-control", value: (await etcd.probe.get(key))?.value };
    expect(judgePlaintextControl(c, CANARY)).toMatchObject({ verdict: "pass", reasons: [expect.stringMatching(/plaintext yaml/)] });
  });

  it("aescbc key \"a:b\" and aesgcm key \"key 1\" around YAML Secrets decrypt to the canary; the scan reads both names and decrypts each value", async () => {
    const cbc = await roundTrip("colon", aescbcValue(secretYamlValue("colon", NS, { value: CANARY }), "a:b", KEY));
    const cbcKey = { provider: "aescbc" as const, keyName: "a:b", key: KEY };
    expect(judgeEncryptedCanary(cbc, CANARY, cbcKey).verdict).toBe("pass");
    const gcmKey = { provider: "aesgcm" as const, keyName: "key 1", key: KEY };
    const gcm = await roundTrip("space", aesgcmValue(secretYamlValue("space", NS, { value: CANARY }), "key 1", KEY, secretKey("space")));
    expect(judgeEncryptedCanary(gcm, CANARY, gcmKey).verdict).toBe("pass");
    const row = async (name: string, k: typeof cbcKey | typeof gcmKey) => {
      const [kv] = await etcd.probe.values(secretKey(name));
      return describeStoredValue(secretKey(name), kv?.value ?? Buffer.alloc(0), k);
    };
    expect(await row("colon", cbcKey)).toMatchObject({ format: "encrypted", provider: "aescbc", keyName: "a:b", decryption: "ok" });
    expect(await row("space", gcmKey)).toMatchObject({ format: "encrypted", provider: "aesgcm", keyName: "key 1", decryption: "ok" });
  });
});

describe("A1 end to end on a real etcd", () => {
  it("fails when one Secret was written before encryption, passes once it is rewritten, and records no key", async () => {
    const prefix = "/registry/secrets/";
    await etcd.put(secretKey("a1-canary"), aescbcValue(secretValue("a1-canary", NS, { value: CANARY }), "key1", KEY));
    const cmKey = `/registry/configmaps/${NS}/a1-control`;
    await etcd.put(cmKey, configMapValue("a1-control", NS, { value: CANARY }));
    const scanned = async (): Promise<A1Evidence> => ({
      canary: CANARY,
      secret: canary("a1-canary", (await etcd.probe.get(secretKey("a1-canary")))?.value),
      configMap: { key: cmKey, namespace: NS, name: "a1-control", value: (await etcd.probe.get(cmKey))?.value },
      expected,
      allSecrets: (await etcd.probe.values(`${prefix}${NS}/a1-`)).map((kv) => describeStoredValue(kv.key, kv.value ?? Buffer.alloc(0), expected)),
    });
    await etcd.put(secretKey("a1-legacy"), secretValue("a1-legacy", NS, { password: "legacy-password-1" }));
    expect(judgeA1(await scanned())).toMatchObject({ verdict: "fail", negativeControl: { verdict: "pass" } });

    await etcd.put(secretKey("a1-legacy"), aescbcValue(secretValue("a1-legacy", NS, { password: "legacy-password-1" }), "key1", KEY));
    const e = await scanned();
    const root = await mkdtemp(join(tmpdir(), "secretproof-a1-"));
    try {
      const red = new Redactor();
      red.register(KEY, "encryption key");
      red.register(KEY.toString("base64"), "encryption key (base64)");
      const rec = await EvidenceRecorder.create(root, { tool: { name: "t", version: "0", node: "22" }, profile: {}, versions: {} }, red);
      const paths = await writeA1Evidence(rec, e);
      const v = judgeA1({ ...e, evidence: paths });
      rec.verdict(v);
      await rec.finalize("passed");
      expect(v.verdict).toBe("pass");
      const written = JSON.parse(await readFile(join(rec.dir, LAYOUT.secret), "utf8"));
      expect(Buffer.from(written.base64, "base64")).toEqual(e.secret.value);
      const all = (await Promise.all((await listFiles(rec.dir)).map((f) => readFile(join(rec.dir, f), "latin1")))).join("\n");
      const checker = new Redactor();
      checker.register(KEY, "k");
      checker.register(KEY.toString("base64"), "k64");
      expect(checker.leaks(all)).toBe(false);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
