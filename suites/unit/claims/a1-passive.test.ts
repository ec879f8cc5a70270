import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { collectA1Passive, type RawReader } from "../../../harness/claims/a1-encryption/collect-passive.ts";
import { a1EncryptionFamily } from "../../../harness/claims/a1-encryption/family.ts";
import { LAYOUT, PASSIVE_LAYOUT } from "../../../harness/claims/a1-encryption/layout.ts";
import { judgeA1Passive, PASSIVE_JUDGE } from "../../../harness/claims/a1-encryption/passive.ts";
import { writeA1PassiveEvidence } from "../../../harness/claims/a1-encryption/passive-evidence.ts";
import type { EtcdKv } from "../../../harness/etcd/probe.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { aescbcValue, aesgcmValue, configMapValue, secretJsonValue, secretValue } from "../../support/k8s-values.ts";

const KEY = randomBytes(32);
const CONTROL_KEY = "/registry/configmaps/kube-system/kube-root-ca.crt";
const rootCa = configMapValue("kube-root-ca.crt", "kube-system", { "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" });
const sk = (ns: string, name: string) => `/registry/secrets/${ns}/${name}`;
const enc = {
  aescbc: (ns: string, n: string) => aescbcValue(secretValue(n, ns, { password: randomBytes(12) }), "key1", KEY),
  aesgcm: (ns: string, n: string) => aesgcmValue(secretValue(n, ns, { password: randomBytes(12) }), "key2", KEY, sk(ns, n)),
  secretbox: () => Buffer.concat([Buffer.from("k8s:enc:secretbox:v1:box1:"), randomBytes(24 + 16 + 40)]),
  kmsV2: () => Buffer.concat([Buffer.from("k8s:enc:kms:v2:vault-kms:"), randomBytes(90)]),
};

/** An in-memory etcd keyspace behind the reader's interface, as the gateway and etcdctl both present it. */
function keyspace(values: Record<string, Buffer>): RawReader {
  const kv = (key: string): EtcdKv => ({ key, value: values[key] as Buffer, createRevision: 2, modRevision: 2, version: 1 });
  return {
    describe: "etcd gateway at https://10.0.0.10:2379",
    get: async (key) => (key in values ? kv(key) : undefined),
    values: async (prefix) => Object.keys(values).filter((k) => k.startsWith(prefix)).sort().map(kv),
  };
}

async function judged(values: Record<string, Buffer>) {
  const e = await collectA1Passive(keyspace(values));
  const files: Record<string, string> = {};
  const paths = await writeA1PassiveEvidence({ write: async (p, body) => ((files[p] = JSON.stringify(body)), p) }, e);
  const v = judgeA1Passive({ ...e, evidence: paths });
  return { v, files, rejudged: a1EncryptionFamily.rejudge(memoryBundle(files))[0]! };
}

describe("A1 passive judge (an audit: no canary, no key)", () => {
  it("passes when every Secret carries an encrypting provider's envelope and the control ConfigMap is plaintext protobuf; verify re-judges the same", async () => {
    const { v, rejudged, files } = await judged({
      [sk("payments", "a")]: enc.aescbc("payments", "a"),
      [sk("payments", "b")]: enc.aesgcm("payments", "b"),
      [sk("kube-system", "c")]: enc.secretbox(),
      [sk("kube-system", "d")]: enc.kmsV2(),
      [CONTROL_KEY]: rootCa,
    });
    expect(v.verdict).toBe("pass");
    expect(v.reasons[0]).toBe(
      'all 4 values under /registry/secrets/ read through etcd gateway at https://10.0.0.10:2379 carry an encrypting provider\'s k8s:enc: envelope: 1 under secretbox key "box1", 1 under kms-v2 key "vault-kms", 1 under aescbc key "key1", 1 under aesgcm key "key2"; without the key, that they decrypt is not shown',
    );
    expect(v.negativeControl?.reasons[0]).toMatch(/kube-root-ca\.crt read through .* is plaintext protobuf v1\/ConfigMap kube-system\/kube-root-ca\.crt \(\d+ bytes, starts 6b387300/);
    expect(rejudged).toEqual(v);
    expect(JSON.parse(files[PASSIVE_LAYOUT.passive]!)).toMatchObject({ judge: PASSIVE_JUDGE });
    expect(v.evidence).toEqual(["A1/passive.json", "A1/secrets-scan.json"]);
  });

  it("fails naming each plaintext Secret, and the evidence keeps its length and hash, never its bytes", async () => {
    const password = `pw-${randomBytes(12).toString("hex")}`;
    const { v, files, rejudged } = await judged({
      [sk("payments", "db")]: secretValue("db", "payments", { password }),
      [sk("payments", "json")]: secretJsonValue("json", "payments", { password }),
      [sk("payments", "ok")]: enc.aescbc("payments", "ok"),
      [CONTROL_KEY]: rootCa,
    });
    expect(v.verdict).toBe("fail");
    expect(v.reasons[0]).toBe("2 of 3 values under /registry/secrets/ are stored in plaintext:");
    expect(v.reasons.slice(1).map((r) => r.replace(/ \(.*\)/, ""))).toEqual(["/registry/secrets/payments/db: plaintext protobuf", "/registry/secrets/payments/json: plaintext json"]);
    const all = Object.values(files).join("\n");
    expect(all).not.toContain(password);
    expect(all).not.toContain(Buffer.from(password).toString("base64"));
    expect(rejudged.verdict).toBe("fail");
  });

  it("a plaintext Secret fails even when the control is missing: the reader saw it", async () => {
    const { v } = await judged({ [sk("payments", "db")]: secretValue("db", "payments", { password: "x" }) });
    expect(v.verdict).toBe("fail");
    expect(v.negativeControl?.verdict).toBe("inconclusive");
  });

  it("no Secret at all is inconclusive", async () => {
    const { v, rejudged } = await judged({ [CONTROL_KEY]: rootCa });
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons[0]).toMatch(/^no keys under \/registry\/secrets\/ through etcd gateway at https:\/\/10\.0\.0\.10:2379: no Secret to judge/);
    expect(rejudged.verdict).toBe("inconclusive");
  });

  it("encrypted Secrets without a plaintext control are inconclusive: missing, or ConfigMaps encrypted too", async () => {
    const secrets = { [sk("payments", "a")]: enc.aescbc("payments", "a") };
    const missing = (await judged(secrets)).v;
    expect(missing.verdict).toBe("inconclusive");
    expect(missing.reasons).toContain("the negative control did not show plaintext, so an encrypted reading proves nothing");
    expect(missing.negativeControl?.reasons[0]).toMatch(/kube-root-ca\.crt not found through .*--etcd-prefix other than \/registry/);
    const encrypted = (await judged({ ...secrets, [CONTROL_KEY]: aescbcValue(rootCa, "key1", KEY) })).v;
    expect(encrypted.verdict).toBe("inconclusive");
    expect(encrypted.negativeControl?.reasons[0]).toMatch(/is encrypted too \(aescbc\): ConfigMaps are encrypted in this cluster/);
  });

  it("a control that is another object is not a control", async () => {
    const { v } = await judged({ [sk("payments", "a")]: enc.aescbc("payments", "a"), [CONTROL_KEY]: configMapValue("other", "default", {}) });
    expect(v.verdict).toBe("inconclusive");
    expect(v.negativeControl?.reasons[0]).toMatch(/holds v1\/ConfigMap default\/other, not ConfigMap kube-system\/kube-root-ca\.crt/);
  });

  it("an envelope of a provider kube-apiserver does not write, or an unrecognized value, is inconclusive naming it", async () => {
    const { v } = await judged({
      [sk("payments", "a")]: Buffer.concat([Buffer.from("k8s:enc:rot13:v1:k:"), randomBytes(20)]),
      [sk("payments", "b")]: Buffer.from([0x00, 0x01, 0x02]),
      [CONTROL_KEY]: rootCa,
    });
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons[1]).toMatch(/^\/registry\/secrets\/payments\/a \(\d+ bytes, sha256 [0-9a-f]{16}…\): envelope of provider other:rot13:v1, which kube-apiserver does not write$/);
    expect(v.reasons[2]).toMatch(/^\/registry\/secrets\/payments\/b .*unknown prefix/);
  });
});

describe("A1 family re-judging a passive bundle", () => {
  it("refuses a bundle holding both a suite's and an audit's A1, and names a wrong judge", async () => {
    const { files } = await judged({ [CONTROL_KEY]: rootCa });
    expect(() => a1EncryptionFamily.rejudge(memoryBundle({ ...files, [LAYOUT.canary]: "{}" }))).toThrow(/holds both A1\/canary\.json .* and A1\/passive\.json/);
    const wrong = { ...files, [PASSIVE_LAYOUT.passive]: JSON.stringify({ ...JSON.parse(files[PASSIVE_LAYOUT.passive]!), judge: "a1-canary" }) };
    expect(() => a1EncryptionFamily.rejudge(memoryBundle(wrong))).toThrow('A1/passive.json: judge "a1-canary" is not a1-passive');
  });

  it("a tampered scan row is re-judged from what it now says", async () => {
    const { files } = await judged({ [sk("payments", "a")]: enc.aescbc("payments", "a"), [CONTROL_KEY]: rootCa });
    const rows = JSON.parse(files[PASSIVE_LAYOUT.scan]!) as { format: string }[];
    rows[0]!.format = "plaintext-protobuf";
    expect(a1EncryptionFamily.rejudge(memoryBundle({ ...files, [PASSIVE_LAYOUT.scan]: JSON.stringify(rows) }))[0]!.verdict).toBe("fail");
  });
});
