import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { a2NoSecretsFamily } from "../../../harness/claims/a2-no-secrets/family.ts";
import { VAULT_CSI_HMAC_KEY, credentialNeedles, judgeA2, scopeOf } from "../../../harness/claims/a2-no-secrets/judge.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { CLAIM_IDS } from "../../../harness/claims/verdict.ts";
import { A2_PLANT } from "../../../harness/claims/a2-no-secrets/collect.ts";
import { writeA2Evidence } from "../../../harness/claims/a2-no-secrets/evidence.ts";
import { LAYOUT } from "../../../harness/claims/a2-no-secrets/layout.ts";
import { MANIFEST, buildManifest } from "../../../harness/evidence/manifest.ts";
import { EvidenceRecorder } from "../../../harness/evidence/recorder.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { runExpectations } from "../../../harness/report/own-expectations.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";

const USER = "v-kubernet-dynamic-Xk2Lw9QmZr7TyPb4NcHd-1795000000";
const PLANT = `a2-canary-${randomBytes(16).toString("hex")}`;
const PASSWORD = "A1a-4YtNq8ZpWk2Rv7Hs";
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const meta = (namespace: string, name: string) => ({ namespace, name, uid: "0f8e2c7a-1111-4222-8333-444455556666", resourceVersion: "1201" });
const secret = (namespace: string, name: string, data: Record<string, string | Buffer>) =>
  ({ apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: meta(namespace, name), data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) });
const configMap = (namespace: string, name: string, data: Record<string, string>) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: meta(namespace, name), data });
const list = (items: object[]) => ({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items });
const appPod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: meta("test-dynamic", "secure-test-app-7c9d8b5f4-x2x9q"),
  spec: { containers: [{ name: "app", image: "secretproof/secure-test-app:dev", env: [{ name: "SECRETS_DIR", value: "/mnt/secrets" }] }] },
};

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-a2-family-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A finalized bundle recorded the way the A2 suite records it: judge the kubectl documents, write the scan, verdicts. */
async function recordA2(extra: object[] = [], pods: unknown = list([appPod])) {
  const red = new Redactor();
  red.register(USER, "app DB identity #1");
  red.register(PASSWORD, "app DB password");
  red.register(PLANT, "A2 planted canary");
  const rec = await EvidenceRecorder.create(root, { tool: { name: "secretproof", version: "0.1.0", node: process.version }, profile: PROFILES.ci, versions, expectations: runExpectations(PROFILES.ci) }, red);
  const scope = {
    identities: credentialNeedles({ usernames: [USER], password: PASSWORD, passwordReadAt: "2026-11-02T10:00:07.120Z" }),
    control: { needle: { label: "planted canary", value: PLANT }, ...A2_PLANT },
    secretFreeNamespaces: ["test-dynamic"],
    allowedSecrets: [VAULT_CSI_HMAC_KEY("vault")],
  };
  const docs = {
    secretsAndConfigMaps: list([
      secret("vault", "vault-csi-provider-hmac-key", { key: randomBytes(32) }),
      secret(A2_PLANT.namespace, A2_PLANT.name, { password: PLANT }),
      configMap("kube-system", "kube-root-ca.crt", { "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" }),
      ...extra,
    ]),
    pods,
  };
  const result = judgeA2({ ...docs, ...scope });
  const v = { ...result.verdict, evidence: await writeA2Evidence(rec, scopeOf(scope), result) };
  await rec.verdicts(a2NoSecretsFamily.id, [v]);
  await rec.finalize(v.verdict === "pass" ? "passed" : "failed");
  return { dir: rec.dir, verdict: v };
}

const verify = (dir: string) => verifyBundle(dir, { requiredClaims: ["A2"] });

describe("A2 family: secretproof verify re-judges A2 from the recorded scan", () => {
  it("is registered for claim A2, and every family in claim-table order", () => {
    expect(FAMILIES).toContain(a2NoSecretsFamily);
    expect(a2NoSecretsFamily.claims).toEqual(["A2"]);
    const order = FAMILIES.map((f) => Math.min(...f.claims.map((c) => CLAIM_IDS.indexOf(c))));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("re-judges an all-pass scan to pass, and the bundle holds no identity or canary value", async () => {
    const { dir, verdict } = await recordA2();
    expect(verdict).toMatchObject({ verdict: "pass", negativeControl: { verdict: "pass" } });
    const r = await verify(dir);
    expect(r).toMatchObject({ integrity: [], leaks: [], mismatches: [], rejudged: ["a2-no-secrets"], ok: true });
    expect(r.verdicts[0]?.negativeControl?.verdict).toBe("pass");
    const text = (await Promise.all(Object.values(LAYOUT).map((p) => readFile(join(dir, p), "utf8")))).join("\n");
    for (const value of [USER, PLANT, PASSWORD, b64(USER), b64(PLANT), b64(PASSWORD)]) expect(text).not.toContain(value);
  });

  it("re-judges a scan that found an identity and a Secret in the app namespace to fail, as recorded", async () => {
    const { dir, verdict } = await recordA2([configMap("default", "app-config", { DB_USER: USER }), secret("test-dynamic", "db-creds", { user: "x" })]);
    expect(verdict.verdict).toBe("fail");
    const r = await verify(dir);
    expect(r).toMatchObject({ mismatches: [], trusted: true, failedClaims: ["A2"] });
    expect(r.verdicts[0]?.reasons.join("\n")).toMatch(/app DB identity #1 found in ConfigMap default\/app-config data\.DB_USER/);
    expect(r.verdicts[0]?.reasons.join("\n")).toMatch(/Secret test-dynamic\/db-creds \(type Opaque\) in secret-free namespace/);
  });

  it("catches a recorded hit deleted from the scan, with a recomputed manifest", async () => {
    const { dir } = await recordA2([configMap("default", "app-config", { DB_USER: USER })]);
    const findings = JSON.parse(await readFile(join(dir, LAYOUT.findings), "utf8")) as { hits: { needle: { label: string } }[] };
    findings.hits = findings.hits.filter((h) => h.needle.label !== "app DB identity #1");
    await writeFile(join(dir, LAYOUT.findings), JSON.stringify(findings));
    await writeFile(join(dir, MANIFEST), await buildManifest(dir));
    const r = await verify(dir);
    expect(r.integrity).toEqual([]);
    expect(r.mismatches).toEqual(["family a2-no-secrets: A2 was recorded as fail; the evidence now judges pass"]);
    expect(r.trusted).toBe(false);
  });

  it("re-judges a scan that could not read the Pod list to inconclusive, and names a malformed scan file", async () => {
    const { dir, verdict } = await recordA2([], { kind: "Status", status: "Failure" });
    expect(verdict.verdict).toBe("inconclusive");
    expect((await verify(dir)).mismatches).toEqual([]);
    await writeFile(join(dir, LAYOUT.inventory), JSON.stringify([{ kind: "Secret", name: 7 }]));
    await writeFile(join(dir, MANIFEST), await buildManifest(dir));
    expect((await verify(dir)).mismatches.join("\n")).toMatch(/could not re-judge its evidence: A2\/inventory\.json is not what A2 records: .*name must be string/);
  });
});
