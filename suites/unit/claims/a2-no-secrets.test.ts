import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { VAULT_CSI_HMAC_KEY, credentialNeedles, judgeA2, scopeOf, type A2Input } from "../../../harness/claims/a2-no-secrets/judge.ts";
import { redactionMarker } from "../../../harness/evidence/redact.ts";

const USER = "v-kubernet-dynamic-Xk2Lw9QmZr7TyPb4NcHd-1795000000";
const OLD_USER = "v-kubernet-dynamic-aB3dE5fG7hJ9kL1mN3pQ-1794999000";
const PLANT = `a2-canary-${randomBytes(12).toString("hex")}`;
/** A Vault database password as the default password policy makes them: 20 characters, letters, digits and "-". */
const PASSWORD = "A1a-4YtNq8ZpWk2Rv7Hs";
const NEEDLES = credentialNeedles({ usernames: [USER, OLD_USER], password: PASSWORD, passwordReadAt: "2026-11-02T10:00:07.120Z" });
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

function meta(namespace: string, name: string, extra: object = {}) {
  return { name, namespace, uid: "0f8e2c7a-1111-4222-8333-444455556666", resourceVersion: "1201", creationTimestamp: "2026-11-02T10:00:00Z", ...extra };
}
const secret = (namespace: string, name: string, data: Record<string, string>, extra: object = {}) => ({
  apiVersion: "v1", kind: "Secret", metadata: meta(namespace, name), type: "Opaque",
  data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])), ...extra,
});
const configMap = (namespace: string, name: string, data: Record<string, string>, extra: object = {}) => ({
  apiVersion: "v1", kind: "ConfigMap", metadata: meta(namespace, name), data, ...extra,
});
const pod = (namespace: string, name: string, env: { name: string; value: string }[]) => ({
  apiVersion: "v1", kind: "Pod", metadata: meta(namespace, name, { labels: { app: name } }),
  spec: { containers: [{ name: "app", image: "secretproof/secure-test-app:dev", command: ["python3", "/app/app.py"], env }] },
  status: { phase: "Running" },
});
const list = (items: object[]) => ({ apiVersion: "v1", kind: "List", items, metadata: { resourceVersion: "" } });

function baseItems(): object[] {
  return [
    secret("vault", "vault-csi-provider-hmac-key", { key: randomBytes(32).toString("latin1") }, { immutable: true }),
    secret("vault", "sh.helm.release.v1.vault.v1", { release: b64(gzipSync(JSON.stringify({ name: "vault", config: { server: { dev: { enabled: true } } } }))) }, { type: "helm.sh/release.v1" }),
    secret("secretproof-a2", "a2-planted", { password: PLANT }),
    configMap("kube-system", "kube-root-ca.crt", { "ca.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" }),
  ];
}

function input(items: object[] = baseItems(), pods: object[] = [pod("test-dynamic", "secure-test-app", [{ name: "SECRETS_DIR", value: "/mnt/secrets" }])]): A2Input {
  return {
    secretsAndConfigMaps: list(items),
    pods: list(pods),
    identities: NEEDLES,
    control: { needle: { label: "planted canary", value: PLANT }, namespace: "secretproof-a2", name: "a2-planted" },
    secretFreeNamespaces: ["test-dynamic"],
    allowedSecrets: [VAULT_CSI_HMAC_KEY("vault")],
    evidence: ["A2/inventory.json"],
  };
}

describe("A2 scan for the app's DB identities", () => {
  it("passes when no Secret, ConfigMap or pod env holds an identity and the planted canary is found", () => {
    const r = judgeA2(input());
    expect(r.verdict).toMatchObject({ claim: "A2", verdict: "pass", negativeControl: { verdict: "pass" } });
    expect(r.verdict.reasons.join("\n")).toMatch(/allowed exception vault\/vault-csi-provider-hmac-key: present — the Vault CSI provider's HMAC key/);
    expect(r.controlHits).toEqual([{ object: { kind: "Secret", namespace: "secretproof-a2", name: "a2-planted" }, where: "data.password", needle: { label: "planted canary", marker: redactionMarker(PLANT) } }]);
  });

  const leaks: [string, object[], object[]][] = [
    ["Secret data (base64)", [secret("default", "db", { username: USER })], []],
    ["Secret data holding base64 of it (dockerconfigjson-style)", [secret("default", "reg", { ".dockerconfigjson": JSON.stringify({ auths: { x: { auth: b64(`${OLD_USER}:pw`) } } }) })], []],
    ["ConfigMap data", [configMap("test-dynamic", "app-config", { DB_USER: USER })], []],
    ["ConfigMap binaryData", [configMap("default", "bin", {}, { binaryData: { blob: b64(Buffer.concat([randomBytes(9), Buffer.from(USER)])) } })], []],
    ["a last-applied-configuration annotation", [{ ...configMap("default", "c", {}), metadata: meta("default", "c", { annotations: { "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({ data: { u: USER } }) } }) }], []],
    ["a helm release record (base64 of gzip)", [secret("test-dynamic", "sh.helm.release.v1.app.v1", { release: b64(gzipSync(JSON.stringify({ config: { dbUser: USER } }))) }, { type: "helm.sh/release.v1" })], []],
    ["pod env", [], [pod("test-dynamic", "leaky", [{ name: "DB_USER", value: USER }])]],
    ["pod args", [], [{ ...pod("default", "p", []), spec: { containers: [{ name: "c", args: ["--user", OLD_USER] }] } }]],
    ["Secret data holding the password (base64)", [secret("default", "db", { password: PASSWORD })], []],
    ["a ConfigMap holding a connection string with the password", [configMap("default", "dsn", { DSN: `postgresql://${USER}:${PASSWORD}@postgres.postgres.svc:5432/postgres` })], []],
    ["pod env holding the password", [], [pod("test-dynamic", "leaky", [{ name: "DB_PASSWORD", value: PASSWORD }])]],
  ];
  for (const [where, items, pods] of leaks) {
    it(`fails when an identity sits in ${where}, naming the object and needle by hash only`, () => {
      const r = judgeA2(input([...baseItems(), ...items], pods));
      expect(r.verdict.verdict).toBe("fail");
      const f = r.findings.find((x) => x.rule === "identity-found");
      expect(f?.needle?.marker).toMatch(/^<redacted sha256:[0-9a-f]{16} len:\d+>$/);
      const text = JSON.stringify(r);
      for (const secretValue of [USER, OLD_USER, PLANT, PASSWORD, b64(USER), b64(PASSWORD)]) expect(text).not.toContain(secretValue);
    });
  }
});

describe("A2 searches for the live password as well as the usernames", () => {
  it("names each needle by kind, and the password by when it was read", () => {
    expect(NEEDLES.map((n) => [n.label, n.kind])).toEqual([
      ["app DB identity #1", "db-username"],
      ["app DB identity #2", "db-username"],
      ["app DB password (mounted, read at 2026-11-02T10:00:07.120Z)", "db-password"],
    ]);
  });

  it("finds the password in a Secret by the same scan that finds the planted canary, naming it by kind and hash only", () => {
    const r = judgeA2(input([...baseItems(), secret("default", "db", { password: PASSWORD })]));
    expect(r.verdict.verdict).toBe("fail");
    expect(r.verdict.negativeControl?.verdict).toBe("pass");
    expect(r.findings).toEqual([expect.objectContaining({ rule: "identity-found", where: "data.password", needle: { label: NEEDLES[2]?.label, marker: redactionMarker(PASSWORD) } })]);
    expect(r.verdict.reasons[0]).toMatch(/for 2 DB usernames and 1 DB password: 1 hits$/);
  });

  it("records the needles' count and kinds in the scope, with hash and length for each, never a value", () => {
    const scope = scopeOf(input());
    expect(scope.identities.map((n) => n.kind)).toEqual(["db-username", "db-username", "db-password"]);
    expect(scope.identities[2]?.marker).toBe(redactionMarker(PASSWORD));
    expect(JSON.stringify(scope)).not.toContain(PASSWORD);
    expect(judgeA2(input()).verdict.reasons[0]).toMatch(/^scanned 3 Secrets, 1 ConfigMaps and 1 Pods \(\d+ fields, .*\) for 2 DB usernames and 1 DB password: 0 hits$/);
  });

  it("is inconclusive when the live password was not searched for, however clean the scan", () => {
    const r = judgeA2({ ...input(), identities: NEEDLES.filter((n) => n.kind === "db-username") });
    expect(r.verdict.verdict).toBe("inconclusive");
    expect(r.verdict.reasons[0]).toBe("the app's live DB password was not searched for, so the scan cannot show that no object holds it");
  });
});

describe("A2 rules on Secrets themselves", () => {
  it("fails on any Secret in test-dynamic, but not on a helm release record there", () => {
    const r = judgeA2(input([...baseItems(), secret("test-dynamic", "db-creds", { password: "x" })]));
    expect(r.findings).toEqual([expect.objectContaining({ rule: "secret-in-namespace", object: expect.objectContaining({ name: "db-creds" }) })]);
    const helm = secret("test-dynamic", "sh.helm.release.v1.app.v1", { release: b64(gzipSync("{}")) }, { type: "helm.sh/release.v1" });
    expect(judgeA2(input([...baseItems(), helm])).verdict.verdict).toBe("pass");
  });

  it("fails on a Secret synced by the CSI driver anywhere", () => {
    const synced = { ...secret("other", "synced", { u: "x" }), metadata: meta("other", "synced", { labels: { "secrets-store.csi.k8s.io/managed": "true" } }) };
    expect(judgeA2(input([...baseItems(), synced])).findings.map((f) => f.rule)).toEqual(["csi-synced-secret"]);
  });

  it("says when the allowed exception is absent (the provider creates it on first mount)", () => {
    const r = judgeA2(input(baseItems().slice(1)));
    expect(r.verdict.verdict).toBe("pass");
    expect(r.verdict.reasons.join("\n")).toMatch(/vault\/vault-csi-provider-hmac-key: absent/);
  });
});

describe("A2 refuses to pass on a scan that proves nothing", () => {
  it("is inconclusive when the planted canary is not found", () => {
    const r = judgeA2(input(baseItems().filter((i) => !JSON.stringify(i).includes("a2-planted"))));
    expect(r.verdict).toMatchObject({ verdict: "inconclusive", negativeControl: { verdict: "fail" } });
  });

  it("is inconclusive when the app reported no identity", () => {
    const r = judgeA2({ ...input(), identities: NEEDLES.filter((n) => n.kind === "db-password") });
    expect(r.verdict.verdict).toBe("inconclusive");
    expect(r.verdict.reasons[0]).toBe("the app reported no DB identity: there is no username to search for");
    expect(judgeA2({ ...input(), identities: [] }).verdict.verdict).toBe("inconclusive");
  });

  it("is inconclusive when a document is not a Kubernetes List", () => {
    const r = judgeA2({ ...input(), pods: { kind: "Status", status: "Failure" } });
    expect(r.verdict).toMatchObject({ verdict: "inconclusive", reasons: [expect.stringMatching(/Pod list is not a Kubernetes List/)] });
  });

  it("inventories objects by name and key names, never values", () => {
    const r = judgeA2(input());
    expect(r.inventory.find((x) => x.name === "a2-planted")).toEqual({ kind: "Secret", namespace: "secretproof-a2", name: "a2-planted", type: "Opaque", labels: {}, keys: ["password"], fieldsScanned: 1 });
  });
});
