import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NOT_PLANTED } from "../../../harness/audit/a2-audit.ts";
import { type AccessAnswer, answerOf, permissionOfReview } from "../../../harness/audit/preflight-judge.ts";
import { AUDIT_LAYOUT, runAudit, type AuditIo } from "../../../harness/audit/run-audit.ts";
import { parseTarget } from "../../../harness/audit/target.ts";
import { RUN_JSON } from "../../../harness/evidence/recorder.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import type { RawReader } from "../../../harness/claims/a1-encryption/collect-passive.ts";
import { aescbcValue, configMapValue, secretValue } from "../../support/k8s-values.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit");
const target = parseTarget(await readFile(join(FIXTURES, "target.example.yaml"), "utf8"), "example");
const reviews = JSON.parse(await readFile(join(FIXTURES, "ssar-reviews.json"), "utf8")) as unknown[];
const allowedAll: AccessAnswer[] = reviews.map((r) => ({ permission: permissionOfReview(r), status: { allowed: true } }));

const kubectlFixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "kubectl", name), "utf8")) as unknown;
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const meta = (namespace: string, name: string, labels: Record<string, string> = {}) => ({ namespace, name, uid: randomBytes(16).toString("hex"), resourceVersion: "1201", labels });
const list = (items: object[]) => ({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items });
const secret = (namespace: string, name: string, labels: Record<string, string> = {}) => ({ apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: meta(namespace, name, labels), data: { key: b64(randomBytes(24)) } });
const pod = (name: string, uid: string, restartCount: number) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { ...meta("payments", name, { app: "payments-api" }), uid },
  spec: { nodeName: "worker-2", containers: [{ name: "api", image: "registry.example/payments-api:1.4.2" }] },
  status: { containerStatuses: [{ name: "api", restartCount, ready: true }] },
});
const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: meta("payments", "payments-api"), spec: { selector: { matchLabels: { app: "payments-api" } } } };

/** kubectl's JSON per command, as the audit asks for it; anything else is a test error. */
function recordedKube(secrets: object[], podSamples: object[][]): AuditIo["kube"] & { asked: string[] } {
  const asked: string[] = [];
  let sample = 0;
  return {
    asked,
    json: async <T>(args: readonly string[]) => {
      const cmd = args.join(" ");
      asked.push(cmd);
      if (cmd === "get secrets,configmaps --all-namespaces") return list(secrets) as T;
      if (cmd === "get pods --all-namespaces") return list(podSamples[0]!) as T;
      if (cmd === "-n payments get deployment payments-api") return deployment as T;
      if (cmd === "-n payments get pods -l app=payments-api") return list(podSamples[Math.min(sample++, podSamples.length - 1)]!) as T;
      if (cmd === "-n falco get pods -l app.kubernetes.io/name=falco") return kubectlFixture("falco-pods.json") as T;
      if (cmd === "-n kube-system get pods -l app.kubernetes.io/name=tetragon") return kubectlFixture("tetragon-pods.json") as T;
      if (cmd === "get tracingpolicies.cilium.io") return kubectlFixture("tracingpolicies.json") as T;
      if (cmd === "-n payments get tracingpoliciesnamespaced.cilium.io") return list([]) as T;
      throw new Error(`unexpected kubectl ${cmd}`);
    },
  };
}

/** An etcd keyspace behind the raw reader's interface (the gateway's real answers are parsed in suites/unit/etcd/gateway.test.ts). */
function keyspace(values: Record<string, Buffer>): RawReader {
  const kv = (key: string) => ({ key, value: values[key], createRevision: 2, modRevision: 2, version: 1 });
  return {
    describe: "etcd gateway at https://10.0.0.10:2379",
    get: async (key) => (key in values ? kv(key) : undefined),
    values: async (prefix) => Object.keys(values).filter((k) => k.startsWith(prefix)).sort().map(kv),
  };
}
const rootCa = configMapValue("kube-root-ca.crt", "kube-system", { "ca.crt": "-----BEGIN CERTIFICATE-----\n" });

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-audit-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function audit(kube: AuditIo["kube"], answers = allowedAll, etcd?: Record<string, Buffer>) {
  const token = `hvs.${randomBytes(18).toString("base64url")}`;
  const red = new Redactor();
  red.register(token, "Vault token (audit)");
  const io: AuditIo = {
    kube,
    reviewAccess: async () => answers,
    checkOutside: async () => [{ access: "vault-token", ok: true, detail: "from VAULT_TOKEN" }, { access: "database", ok: false, detail: "environment variable AUDIT_PG_URL is empty or unset (target.database.connection)" }, { access: "etcd-client", ok: true, detail: "client files readable" }],
    whoAmI: async () => ({ username: "auditor@example.com", groups: ["system:authenticated"] }),
    ...(etcd ? { etcdReader: async () => keyspace(etcd) } : {}),
  };
  const result = await runAudit({ target, profile: PROFILES.ci, root, io, redactor: red });
  return { result, token };
}

describe("secretproof audit (read-only) on recorded kubectl and access-review answers", () => {
  it("records every claim run or inconclusive with its reason, and verify trusts the bundle with A2 inconclusive and the rest not proven", async () => {
    const samples = [[pod("payments-api-5d8-abcde", "u-1", 0)], [pod("payments-api-5d8-abcde", "u-1", 0)]];
    const { result } = await audit(recordedKube([secret("kube-system", "cilium-ca")], samples));
    const run = JSON.parse(await readFile(join(result.dir, RUN_JSON), "utf8")) as { status: string; audit: { mode: string; claims: { claim: string; status: string; reasons: string[] }[]; identity: object; target: object } };
    expect(run.audit.mode).toBe("audit");
    expect(run.audit.target).toEqual(target);
    expect(run.audit.identity).toEqual({ username: "auditor@example.com", groups: ["system:authenticated"] });
    const byClaim = Object.fromEntries(run.audit.claims.map((c) => [c.claim, c]));
    expect(byClaim.A2!.status).toBe("run");
    expect(byClaim.D1!.reasons).toEqual(["database (to query pg_roles over target.database.connection): environment variable AUDIT_PG_URL is empty or unset (target.database.connection)"]);
    expect(byClaim.F1!.reasons).toEqual(["found: Falco is not running Ready on every node of the workload: node worker-2 (workload pods payments-api-5d8-abcde): no agent pod runs on node worker-2; the alert is proven only with --attack"]);
    expect(byClaim.T1!.reasons[0]).toMatch(/TracingPolicy monitor-secret-opens does not select the workload: its podSelector|monitor-secret-opens is in policy-mode monitor, so it kills nothing; the kill is proven only with --attack$/);
    expect(byClaim.T2!.reasons.join("\n")).toMatch(/only --attack allows/);
    expect(JSON.parse(await readFile(join(result.dir, AUDIT_LAYOUT.agents), "utf8"))).toHaveProperty("policies.findings.0.mode", "monitor");
    expect(byClaim.A1!.reasons).toEqual(["the A1 read failed: this audit was given no etcd reader"]);
    for (const c of run.audit.claims.filter((x) => x.claim !== "A2")) {
      expect(c.status, c.claim).toBe("inconclusive");
      expect(c.reasons.length, c.claim).toBeGreaterThan(0);
    }
    const v = await verifyBundle(result.dir);
    expect(v.integrity).toEqual([]);
    expect(v.untrustworthy).toEqual([]);
    expect(v.trusted).toBe(true);
    expect(v.verdicts.map((x) => `${x.claim}:${x.verdict}`)).toEqual(["A2:inconclusive"]);
    expect(v.verdicts[0]!.reasons.join("\n")).toContain(NOT_PLANTED);
    expect(v.notProven.map((g) => g.claim)).toEqual(["A1", "D1", "D2", "D3", "D4", "F1", "F2", "T1", "T2", "T3", "N1", "L1"]);
    expect(v.ok).toBe(false);
    const report = await readFile(join(result.dir, "report.md"), "utf8");
    expect(report).toContain("## Audit");
    expect(report).toMatch(/\| F1 \| \*\*INCONCLUSIVE\*\* \| found: Falco is not running Ready on every node of the workload/);
    expect(await readFile(join(result.dir, "report.html"), "utf8")).toContain('<table id="audit">');
    const workload = JSON.parse(await readFile(join(result.dir, AUDIT_LAYOUT.workload), "utf8")) as { changes: string[]; samples: { pods: object[] }[] };
    expect(workload.changes).toEqual([]);
    expect(workload.samples[0]!.pods).toEqual([{ name: "payments-api-5d8-abcde", uid: "u-1", node: "worker-2", restartCount: 0 }]);
  });

  it("A2 fails on a CSI-synced Secret and on a Secret in the workload's namespace, and verify judges the same", async () => {
    const synced = secret("payments", "payments-db", { "secrets-store.csi.k8s.io/managed": "true" });
    const { result } = await audit(recordedKube([synced], [[pod("p-1", "u-1", 0)]]));
    expect(result.verdicts.map((x) => x.verdict)).toEqual(["fail"]);
    const v = await verifyBundle(result.dir);
    expect(v.trusted).toBe(true);
    expect(v.verdicts.map((x) => `${x.claim}:${x.verdict}`)).toEqual(["A2:fail"]);
    expect(v.verdicts[0]!.reasons.join("\n")).toMatch(/Secret payments\/payments-db .* in secret-free namespace/);
  });

  it("a pod restarted or replaced during the run is recorded as a change", async () => {
    const { result } = await audit(recordedKube([], [[pod("p-1", "u-1", 0), pod("p-2", "u-2", 1)], [pod("p-1", "u-1", 1), pod("p-3", "u-3", 0)]]));
    const workload = JSON.parse(await readFile(join(result.dir, AUDIT_LAYOUT.workload), "utf8")) as { changes: string[] };
    expect(workload.changes).toEqual(["pod p-1 restarted (restartCount 0 -> 1)", "pod p-2 (uid u-2) is gone", "pod p-3 (uid u-3) is new"]);
  });

  it("only reads: every kubectl call is a get, and without list on secrets A2 is not run but inconclusive naming the permission", async () => {
    const kube = recordedKube([], [[pod("p-1", "u-1", 0)]]);
    const denied = allowedAll.map((a) => (a.permission.resource === "secrets" ? answerOf(a.permission, { status: { allowed: false } }) : a));
    const { result } = await audit(kube, denied);
    for (const cmd of kube.asked) expect(cmd).toMatch(/^(-n \S+ )?get /);
    expect(kube.asked).not.toContain("get secrets,configmaps --all-namespaces");
    expect(result.record.claims.find((c) => c.claim === "A2")!.reasons).toEqual(["missing list secrets (cluster-wide) (to scan every Secret for the credential): not allowed (no rule grants it)"]);
    const v = await verifyBundle(result.dir);
    expect(v.trusted).toBe(true);
    expect(v.verdicts).toEqual([]);
  });

  it("no live credential reaches the bundle", async () => {
    const { result, token } = await audit(recordedKube([], [[pod("p-1", "u-1", 0)]]));
    const run = await readFile(join(result.dir, RUN_JSON), "utf8");
    expect(run).not.toContain(token);
    expect((await verifyBundle(result.dir)).leaks).toEqual([]);
  });
});

describe("secretproof audit reading etcd for A1", () => {
  it("records A1's passive evidence and verdict, which verify re-judges with the passive judge", async () => {
    const password = `pw-${randomBytes(12).toString("hex")}`;
    const etcd = {
      "/registry/secrets/payments/db": aescbcValue(secretValue("db", "payments", { password }), "key1", randomBytes(32)),
      "/registry/configmaps/kube-system/kube-root-ca.crt": rootCa,
    };
    const { result } = await audit(recordedKube([], [[pod("p-1", "u-1", 0)]]), allowedAll, etcd);
    expect(result.record.claims.find((c) => c.claim === "A1")).toMatchObject({ status: "run", reasons: [] });
    expect(result.verdicts.map((x) => `${x.claim}:${x.verdict}`)).toEqual(["A1:pass", "A2:inconclusive"]);
    const v = await verifyBundle(result.dir);
    expect(v.trusted).toBe(true);
    expect(v.rejudged).toContain("a1-encryption");
    expect(v.verdicts.map((x) => `${x.claim}:${x.verdict}`)).toEqual(["A1:pass", "A2:inconclusive"]);
    expect(v.leaks).toEqual([]);
  });

  it("a plaintext Secret in etcd fails A1, and the bundle holds its hash, never its value", async () => {
    const password = `pw-${randomBytes(12).toString("hex")}`;
    const etcd = { "/registry/secrets/payments/db": secretValue("db", "payments", { password }), "/registry/configmaps/kube-system/kube-root-ca.crt": rootCa };
    const { result } = await audit(recordedKube([], [[pod("p-1", "u-1", 0)]]), allowedAll, etcd);
    expect(result.verdicts.find((x) => x.claim === "A1")!.reasons.join("\n")).toMatch(/\/registry\/secrets\/payments\/db .*: plaintext protobuf/);
    expect(JSON.parse(await readFile(join(result.dir, RUN_JSON), "utf8"))).toHaveProperty("status", "failed");
    const scan = await readFile(join(result.dir, "A1/secrets-scan.json"), "utf8");
    expect(scan).not.toContain(password);
    expect(scan).not.toContain(Buffer.from(password).toString("base64"));
    expect((await verifyBundle(result.dir)).verdicts.find((x) => x.claim === "A1")!.verdict).toBe("fail");
  });

  it("an etcd read that fails leaves A1 inconclusive with the error", async () => {
    const kube = recordedKube([], [[pod("p-1", "u-1", 0)]]);
    const io: AuditIo = {
      kube,
      reviewAccess: async () => allowedAll,
      checkOutside: async () => [{ access: "etcd-client", ok: true, detail: "answered" }],
      whoAmI: async () => ({}),
      etcdReader: async () => ({ ...keyspace({}), values: async () => Promise.reject(new Error("POST /v3/kv/range to etcd gateway at https://10.0.0.10:2379: HTTP 400: CommonName of client sending a request against gateway will be ignored and not used as expected")) }),
    };
    const result = await runAudit({ target, profile: PROFILES.ci, root, io, redactor: new Redactor() });
    expect(result.record.claims.find((c) => c.claim === "A1")).toMatchObject({ status: "inconclusive" });
    expect(result.record.claims.find((c) => c.claim === "A1")!.reasons.join("\n")).toMatch(/^the A1 read failed: POST \/v3\/kv\/range .* CommonName of client/);
  });
});

describe("secretproof audit observing D1-D3 through Vault and the database", () => {
  it("records the observation under audit/dynamic/, each D claim's finding and the passive judge's D verdicts, which verify re-judges alike", async () => {
    const kube = recordedKube([], [[pod("p-1", "u-1", 0)]]);
    const red = new Redactor();
    const vaultBody = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "vault", name), "utf8")) as { data?: { keys?: string[] } };
    const lookups = JSON.parse(readFileSync(join(FIXTURES, "vault", "lease-lookups.json"), "utf8")) as Record<string, unknown>;
    const pgText = JSON.parse(readFileSync(join(FIXTURES, "postgres-roles.json"), "utf8")) as Record<"start" | "end", { now: string; roles: string }>;
    let closed = 0;
    let snaps = 0;
    const io: AuditIo = {
      kube,
      reviewAccess: async () => allowedAll,
      checkOutside: async () => [{ access: "vault-token", ok: true, detail: "from VAULT_TOKEN" }, { access: "database", ok: true, detail: "from environment variable AUDIT_PG_URL" }, { access: "etcd-client", ok: true, detail: "client files readable" }],
      whoAmI: async () => ({ username: "auditor@example.com" }),
      passiveSources: async () => ({
        vault: {
          addr: "https://vault.internal.example:8200",
          read: async <T>(path: string) => vaultBody(path === "database/config/payments-db" ? "connection.json" : "role.json") as T,
          readOptional: async () => undefined,
          list: async () => vaultBody("leases-list-start.json").data!.keys!,
          write: async <T>(_p: string, b: object) => lookups[(b as { lease_id: string }).lease_id] as T,
        },
        roles: {
          snapshot: async () => {
            const phase = snaps++ === 0 ? "start" : "end";
            return { at: `2026-12-01T16:10:${phase === "start" ? "00" : "50"}.000Z`, pgNow: JSON.parse(pgText[phase].now) as string, rows: JSON.parse(pgText[phase].roles) as never };
          },
          close: async () => undefined,
        },
        close: async () => void closed++,
      }),
    };
    const profile = { ...PROFILES.ci, audit: { window: "20ms" as const }, dynamic: { ...PROFILES.ci.dynamic, probeInterval: "5ms" as const } };
    const result = await runAudit({ target, profile, root, io, redactor: red });
    const byClaim = Object.fromEntries(result.record.claims.map((c) => [c.claim, c]));
    expect(byClaim.D1!.status).toBe("run");
    expect(byClaim.D1!.reasons[0]).toMatch(/^found: database\/roles\/payments-api has default_ttl 1m00s, max_ttl 2m00s; 1 of 2 live leases expire with a pg_roles role's VALID UNTIL .*; no role expires with database\/creds\/payments-api\/Yp3ZkG1vQ8wXcN2tR5sH7mJa/);
    expect(byClaim.D3!.reasons[0]).toMatch(/no lease ended in the window; no role is past its VALID UNTIL by more than 45.0s \(among the 3 of 6 pg_roles roles matching payments-db's username template \(plugin default\); the other 3 are not Vault's for this role\)/);
    const a2 = result.verdicts.find((x) => x.claim === "A2")!;
    expect(a2.reasons.join("\n")).toContain("2 DB usernames");
    expect(closed).toBe(1);
    const observed = JSON.parse(await readFile(join(result.dir, "audit/dynamic/observed.json"), "utf8")) as { pods: unknown[] };
    expect(observed.pods.length).toBeGreaterThanOrEqual(2);
    const v = await verifyBundle(result.dir);
    // The short window makes the profile a custom one, which verify names; the bundle is otherwise whole and leaks nothing.
    expect(v.integrity.filter((i) => !i.startsWith("the bundle's profile"))).toEqual([]);
    expect(v.leaks).toEqual([]);
    // The recorded Vault answers the same two leases at the end: one has no role expiring with it, so D1 fails naming it.
    const d = result.verdicts.filter((x) => x.claim.startsWith("D")).map((x) => [x.claim, x.subject, x.verdict]);
    expect(d).toEqual([["D1", undefined, "fail"], ["D2", undefined, "inconclusive"], ["D3", "ttl-expiry", "pass"]]);
    expect(result.verdicts.find((x) => x.claim === "D1")!.reasons.join("\n")).toContain("lease database/creds/payments-api/Yp3ZkG1vQ8wXcN2tR5sH7mJa");
    expect(v.rejudged).toContain("dynamic");
    expect(v.mismatches).toEqual([]);
    expect(v.verdicts.filter((x) => x.claim.startsWith("D")).map((x) => [x.claim, x.verdict])).toEqual([["D1", "fail"], ["D2", "inconclusive"], ["D3", "pass"]]);
  });
});

describe("secretproof audit when a collector fails", () => {
  it("records the step's error and A2 as inconclusive with it, and verify lists A2 as not proven", async () => {
    const kube = recordedKube([], [[pod("p-1", "u-1", 0)]]);
    const broken: AuditIo["kube"] = {
      json: async <T>(args: readonly string[]) => {
        if (args.includes("secrets,configmaps")) throw new Error("kubectl --context prod-eu-1 get secrets,configmaps --all-namespaces -o json exited 1: Unable to connect to the server");
        return kube.json<T>(args);
      },
    };
    const { result } = await audit(broken);
    const a2 = result.record.claims.find((c) => c.claim === "A2")!;
    expect(a2.status).toBe("inconclusive");
    expect(a2.reasons).toEqual(["the A2 scan failed: kubectl --context prod-eu-1 get secrets,configmaps --all-namespaces -o json exited 1: Unable to connect to the server"]);
    const run = JSON.parse(await readFile(join(result.dir, RUN_JSON), "utf8")) as { status: string; audit: { claims: { claim: string; status: string }[] } };
    expect(run.status).toBe("failed");
    expect(run.audit.claims.find((c) => c.claim === "A2")!.status).toBe("inconclusive");
    const v = await verifyBundle(result.dir);
    expect(v.trusted).toBe(true);
    expect(v.notProven.map((g) => g.claim)).toContain("A2");
  });
});
