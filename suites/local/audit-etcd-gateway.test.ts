import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAuditA1 } from "../../harness/audit/a1-audit.ts";
import { checkEtcdClient, etcdTimeouts } from "../../harness/audit/etcd-access.ts";
import { a1EncryptionFamily } from "../../harness/claims/a1-encryption/family.ts";
import type { Verdict } from "../../harness/claims/verdict.ts";
import { tlsGatewayReader } from "../../harness/etcd/gateway-tls.ts";
import { startLocalEtcd, type LocalEtcd } from "../../harness/etcd/local-server.ts";
import { Redactor } from "../../harness/evidence/redact.ts";
import { loadProfile } from "../../harness/vitest/index.ts";
import { memoryBundle } from "../support/bundle.ts";
import { makeEtcdPki, type EtcdPki } from "../support/etcd-pki.ts";
import { silentServer } from "../support/silent-server.ts";
import { aescbcValue, configMapValue, secretValue } from "../support/k8s-values.ts";

/** The audit's A1 reader against a real etcd serving TLS and requiring client certificates, as kubeadm runs it. */
const timeouts = etcdTimeouts(loadProfile());
let pki: EtcdPki;
let etcd: LocalEtcd;
const files = () => ({ endpoints: [etcd.endpoint], caFile: pki.caFile, certFile: pki.clientCertFile, keyFile: pki.clientKeyFile });
const ciphertext = aescbcValue(secretValue("db", "payments", { password: randomBytes(16) }), "key1", randomBytes(32));

beforeAll(async () => {
  pki = await makeEtcdPki();
  etcd = await startLocalEtcd(loadProfile(), {
    tls: { caFile: pki.caFile, serverCertFile: pki.serverCertFile, serverKeyFile: pki.serverKeyFile, clientCertFile: pki.clientCertFile, clientKeyFile: pki.clientKeyFile },
  });
  await etcd.put("/registry/secrets/payments/db", ciphertext);
  await etcd.put("/registry/configmaps/kube-system/kube-root-ca.crt", configMapValue("kube-root-ca.crt", "kube-system", { "ca.crt": "-----BEGIN CERTIFICATE-----\n" }));
});

afterAll(async () => {
  await etcd?.stop();
  await pki?.remove();
});

/** Runs the audit's A1 step into memory and re-judges what it wrote, as verify would. */
async function auditA1(): Promise<{ v: Verdict; rejudged: Verdict }> {
  const out: Record<string, string> = {};
  const w = { write: async (p: string, body: unknown) => ((out[p] = JSON.stringify(body)), p), verdicts: async () => "verdicts/a1-encryption.json" };
  const v = await runAuditA1(await tlsGatewayReader(files(), timeouts, new Redactor()), w);
  return { v, rejudged: a1EncryptionFamily.rejudge(memoryBundle(out))[0]! };
}

describe("A1 read over etcd's gRPC gateway with mutual TLS (real etcd)", () => {
  it("reads the raw bytes exactly as stored, paging through the range, and agrees with etcdctl", async () => {
    for (let i = 0; i < 5; i++) await etcd.put(`/registry/configmaps/paging/cm-${i}`, Buffer.concat([Buffer.from([0, 0xff, 0x0a]), randomBytes(64)]));
    const reader = await tlsGatewayReader(files(), timeouts, new Redactor());
    expect((await reader.get("/registry/secrets/payments/db"))?.value).toEqual(ciphertext);
    const paged = await reader.values("/registry/configmaps/paging/", 2);
    expect(paged.map((kv) => kv.value)).toEqual((await etcd.probe.values("/registry/configmaps/paging/")).map((kv) => kv.value));
    expect(paged).toHaveLength(5);
    expect(await reader.count("/registry/configmaps/paging/")).toBe(5);
  });

  it("passes an encrypted Secret with the plaintext kube-root-ca.crt control, and verify's re-judge agrees", async () => {
    const { v, rejudged } = await auditA1();
    expect(v.verdict).toBe("pass");
    expect(v.negativeControl?.verdict).toBe("pass");
    expect(rejudged).toEqual(v);
  });

  it("fails naming a plaintext protobuf Secret written beside it", async () => {
    await etcd.put("/registry/secrets/payments/plain", secretValue("plain", "payments", { password: "hunter2-but-longer" }));
    const { v, rejudged } = await auditA1();
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/\/registry\/secrets\/payments\/plain \(\d+ bytes, sha256 [0-9a-f]{16}…\): plaintext protobuf/);
    expect(rejudged.verdict).toBe("fail");
  });

  it("the preflight's endpoint check answers with the count of Secret keys", async () => {
    const a = await checkEtcdClient(files(), timeouts, new Redactor());
    expect(a).toEqual({ access: "etcd-client", ok: true, detail: `etcd gateway at ${etcd.endpoint} answered a count-only Range: 2 keys under /registry/secrets/` });
  });

  it("a client certificate of another CA is refused with an error naming the file and the fix", async () => {
    const rogue = { ...files(), certFile: pki.rogueCertFile, keyFile: pki.rogueKeyFile };
    const reader = await tlsGatewayReader(rogue, timeouts, new Redactor());
    await expect(reader.count("/registry/secrets/")).rejects.toThrow(`etcd refused the client certificate ${pki.rogueCertFile}`);
    const a = await checkEtcdClient(rogue, timeouts, new Redactor());
    expect(a.ok).toBe(false);
    expect(a.detail).toMatch(/^etcd not reachable with target\.etcd's client certificate: POST https:\/\/127\.0\.0\.1:\d+\/v3\/kv\/range failed: etcd refused the client certificate .*rogue\.crt .*--trusted-ca-file$/);
  });

  it("an endpoint that accepts the connection and never answers is bounded by the request's idle time, not by the connect bound", async () => {
    const silent = await silentServer();
    try {
      const reader = await tlsGatewayReader({ ...files(), endpoints: [`https://127.0.0.1:${silent.port}`] }, { connectMs: 50, requestMs: 500 }, new Redactor());
      await expect(reader.count("/registry/secrets/")).rejects.toThrow(/failed: ETIMEDOUT: no answer within 500 ms$/);
    } finally {
      silent.close();
    }
  });

  it("a CA file that did not sign etcd's server certificate is named", async () => {
    const reader = await tlsGatewayReader({ ...files(), caFile: pki.rogueCertFile }, timeouts, new Redactor());
    await expect(reader.count("/registry/secrets/")).rejects.toThrow(`the endpoint's server certificate is not trusted by target.etcd.caFile ${pki.rogueCertFile}`);
  });
});
