import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { accessPlan, READ_ONLY, writePermissions, type AuditMode } from "../../../harness/audit/access-plan.ts";
import type { AttackIo } from "../../../harness/audit/attack-step.ts";
import { runAudit, type AuditIo } from "../../../harness/audit/run-audit.ts";
import { parseTarget } from "../../../harness/audit/target.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import { RUN_JSON } from "../../../harness/evidence/recorder.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit");
const target = parseTarget(readFileSync(join(FIXTURES, "target.example.yaml"), "utf8"), "example");
const fixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, "kubectl", name), "utf8")) as unknown;
const list = (items: object[]) => ({ apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items });
const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { namespace: "payments", name: "payments-api-5d8-abcde", uid: "u-1", labels: { app: "payments-api" } },
  spec: { nodeName: "worker-2", containers: [{ name: "api", image: "registry.example/payments-api:1.4.2" }] },
  status: { phase: "Running", containerStatuses: [{ name: "api", restartCount: 0, ready: true, containerID: `containerd://${"ab".repeat(32)}` }] },
};
const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { namespace: "payments", name: "payments-api" }, spec: { selector: { matchLabels: { app: "payments-api" } } } };

/** Every kubectl call, whatever its method, recorded as its arguments; `get`s answered from recorded lists. */
function recordingKube(configMaps: object[] = []): Kubectl & { calls: string[] } {
  const calls: string[] = [];
  const answers: Record<string, unknown> = {
    "get secrets,configmaps --all-namespaces": list(configMaps),
    "get pods --all-namespaces": list([pod]),
    "-n payments get deployment payments-api": deployment,
    "-n payments get pods -l app=payments-api": list([pod]),
    "-n falco get pods -l app.kubernetes.io/name=falco": fixture("falco-pods.json"),
    "-n kube-system get pods -l app.kubernetes.io/name=tetragon": fixture("tetragon-pods.json"),
    "get tracingpolicies.cilium.io": fixture("tracingpolicies.json"),
    "-n payments get tracingpoliciesnamespaced.cilium.io": list([]),
  };
  const refuse = (what: string) => async (...args: unknown[]): Promise<ExecResult> => {
    calls.push(`${what} ${JSON.stringify(args)}`);
    throw new Error(`this test answers no kubectl ${what}`);
  };
  return {
    context: target.kubeContext,
    calls,
    json: async <T>(args: readonly string[]) => {
      const cmd = args.join(" ");
      calls.push(cmd);
      if (!(cmd in answers)) throw new Error(`unexpected kubectl ${cmd}`);
      return answers[cmd] as T;
    },
    run: refuse("run"),
    apply: refuse("apply"),
    exec: refuse("exec"),
    rolloutStatus: refuse("rolloutStatus"),
  };
}

/** Every permission of the plan allowed, as the access reviews would answer. */
const allowed = (mode: AuditMode) => async () => accessPlan(target, mode).flatMap((c) => c.permissions.map((p) => ({ permission: p.permission, status: { allowed: true } })));

function io(kube: Kubectl, mode: AuditMode, attack?: AttackIo): AuditIo {
  return {
    kube,
    reviewAccess: allowed(mode),
    checkOutside: async () => [{ access: "vault-token", ok: false, detail: "VAULT_TOKEN is unset" }, { access: "database", ok: false, detail: "AUDIT_PG_URL is unset" }, { access: "etcd-client", ok: false, detail: "no client files" }],
    whoAmI: async () => ({ username: "auditor@example.com" }),
    ...(attack ? { attack } : {}),
  };
}

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-audit-attack-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("secretproof audit without --attack reaches no write verb", () => {
  it("the plan holds no write and the run calls only kubectl get, never exec, apply or the attack session, even when the access allows everything", async () => {
    expect(writePermissions(accessPlan(target, READ_ONLY))).toEqual([]);
    const kube = recordingKube();
    const attackKube = recordingKube();
    let opened = 0;
    const attack: AttackIo = { kube: attackKube, openSession: async () => { opened++; throw new Error("no session in a read-only run"); } };
    const result = await runAudit({ target, profile: PROFILES.ci, root, io: io(kube, READ_ONLY, attack), redactor: new Redactor() });
    expect(result.record.access).toBe("read-only");
    expect(kube.calls.length).toBeGreaterThan(0);
    for (const c of kube.calls) expect(c).toMatch(/^(-n \S+ )?get /);
    expect(attackKube.calls).toEqual([]);
    expect(opened).toBe(0);
    expect(result.record.claims.find((c) => c.claim === "F1")!.reasons.join("\n")).toMatch(/proven only with --attack$/);
  });
});

describe("secretproof audit --attack on recorded kubectl answers", () => {
  it("records access attack, reads the mounted password for A2 without it reaching the bundle, and an unopened session leaves F1/F2 inconclusive with why", async () => {
    const password = randomBytes(18).toString("base64url");
    const kube = recordingKube([{ apiVersion: "v1", kind: "ConfigMap", metadata: { namespace: "payments", name: "app-config", uid: "c-1" }, data: { DATABASE_PASSWORD: password } }]);
    const execs: string[][] = [];
    const attackKube: Kubectl = {
      ...kube,
      exec: async (ns, name, command, opts) => {
        execs.push([ns, name, opts?.container ?? "", ...command]);
        const stdout = command[0] === "sh" ? "cat\nhead\nsh\nbash\npython3\n" : `${password}\n`;
        return { command: `kubectl exec ${name}`, exitCode: 0, stdout, stderr: "", startedAt: "", durationMs: 1 } as ExecResult;
      },
    };
    const attack: AttackIo = { kube: attackKube, openSession: async () => { throw new Error("kubectl logs -f -n falco pod/falco-2kd8v: no such pod"); } };
    const mode = { attack: true, applyPolicy: false };
    const red = new Redactor();
    const result = await runAudit({ target, profile: PROFILES.ci, root, mode, io: io(kube, mode, attack), redactor: red });
    expect(result.record.access).toBe("attack");
    expect(execs[0]!.slice(0, 4)).toEqual(["payments", "payments-api-5d8-abcde", "api", "sh"]);
    expect(execs[1]).toEqual(["payments", "payments-api-5d8-abcde", "api", "cat", "/mnt/secrets/db-password"]);
    expect(red.redact(`x${password}x`)).not.toContain(password);
    const a2 = result.verdicts.find((v) => v.claim === "A2")!;
    expect(a2.verdict).toBe("fail");
    expect(a2.reasons.join("\n")).toContain("password mounted at /mnt/secrets/db-password");
    const f1 = result.record.claims.find((c) => c.claim === "F1")!;
    expect(f1.status).toBe("inconclusive");
    expect(f1.reasons.at(-1)).toBe("the attack failed: kubectl logs -f -n falco pod/falco-2kd8v: no such pod");
    const files = await readdir(result.dir, { recursive: true });
    for (const f of files) {
      const text = await readFile(join(result.dir, f)).catch(() => Buffer.alloc(0));
      expect(text.toString("utf8").includes(password), f).toBe(false);
    }
    const run = JSON.parse(await readFile(join(result.dir, RUN_JSON), "utf8")) as { audit: { access: string } };
    expect(run.audit.access).toBe("attack");
    const v = await verifyBundle(result.dir);
    expect(v.leaks).toEqual([]);
    expect(v.verdicts.map((x) => `${x.claim}:${x.verdict}`)).toEqual(["A2:fail"]);
  });
});

describe("secretproof audit --attack with a database reached in its pod", () => {
  it("opens no Vault or database reader and records no failed step for D1-D3: they are inconclusive, psql in a pod not being run yet", async () => {
    const inPod = { ...target, database: { pod: { namespace: "db", name: "pg-0", container: "pg" }, socket: "/var/run/postgresql", user: "postgres", database: "postgres" } };
    const mode = { attack: true, applyPolicy: false };
    let opened = 0;
    const everything = async () => accessPlan(inPod, mode).flatMap((c) => c.permissions.map((p) => ({ permission: p.permission, status: { allowed: true } })));
    const passiveSources = async () => {
      opened++;
      throw new Error("target.database is a pod: psql in it is an exec, which only --attack allows");
    };
    const attack: AttackIo = { kube: recordingKube(), openSession: async () => { throw new Error("no session in this test"); } };
    const outside = async () => [{ access: "vault-token" as const, ok: true, detail: "from VAULT_TOKEN" }, { access: "etcd-client" as const, ok: false, detail: "no client files" }];
    const result = await runAudit({ target: inPod, profile: PROFILES.ci, root, mode, io: { ...io(recordingKube(), mode, attack), reviewAccess: everything, checkOutside: outside, passiveSources }, redactor: new Redactor() });
    expect(opened).toBe(0);
    for (const c of ["D1", "D2", "D3"]) expect(result.record.claims.find((x) => x.claim === c)).toMatchObject({ status: "inconclusive", reasons: ["psql in a pod is not run yet; give target.database.connection"] });
    const run = JSON.parse(await readFile(join(result.dir, RUN_JSON), "utf8")) as { steps: { name: string; ok: boolean }[] };
    expect(run.steps.filter((s) => /leases|pg_roles|username/.test(s.name))).toEqual([]);
  });
});

describe("secretproof audit --attack --apply-policy hands the policy the enforcement phase", () => {
  it("runs it under the applied policy on the pod the policy was proven on, in phase enforcement; its failure leaves T1-T3 inconclusive with why", async () => {
    const kube = recordingKube();
    const attackKube: Kubectl = {
      ...kube,
      exec: async (_ns, _name, command) => ({ command: "kubectl exec", exitCode: 0, stdout: command[0] === "sh" ? "cat\nhead\n" : "a-mounted-password-of-some-length\n", stderr: "", startedAt: "", durationMs: 1 }) as ExecResult,
    };
    const sessions: { phase?: string; pod?: string }[] = [];
    const attack: AttackIo = {
      kube: attackKube,
      openSession: async (where, phase) => {
        sessions.push({ phase, pod: where.app.pod });
        throw new Error(`no ${phase ?? "detection"} session in this test`);
      },
      openTetragon: () => {
        throw new Error("not reached");
      },
    };
    const mode = { attack: true, applyPolicy: true };
    const ctx = { policy: { metadata: { name: "block" } }, proof: { canaries: [], status: { name: "block" }, provenAtMs: 1 }, signal: new AbortController().signal, pod: { namespace: "payments", name: "payments-api-5d8-abcde", container: "api" }, node: "worker-2" };
    const applyPolicy = { source: "policy.yaml", bind: () => async (attacks: (c: never) => Promise<unknown>) => ({ value: await attacks(ctx as never), record: {} }) } as unknown as NonNullable<AuditIo["applyPolicy"]>;
    const result = await runAudit({ target, profile: PROFILES.ci, root, mode, io: { ...io(kube, mode, attack), applyPolicy }, redactor: new Redactor() });
    expect(sessions).toEqual([{ phase: undefined, pod: undefined }, { phase: "enforcement", pod: "payments-api-5d8-abcde" }]);
    const t1 = result.record.claims.find((c) => c.claim === "T1")!;
    expect(t1.status).toBe("inconclusive");
    expect(t1.reasons.at(-1)).toBe("--apply-policy failed: no enforcement session in this test");
  });
});
