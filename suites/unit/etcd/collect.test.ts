import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VAULT_CSI_HMAC_KEY, judgeA2, scopeOf } from "../../../harness/claims/a2-no-secrets/judge.ts";
import { judgeA1 } from "../../../harness/claims/a1-encryption/judge.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import { collectA1, deleteA1Canaries } from "../../../harness/claims/a1-encryption/collect.ts";
import { A2_PLANT } from "../../../harness/claims/a2-no-secrets/collect.ts";
import { writeA2Evidence } from "../../../harness/claims/a2-no-secrets/evidence.ts";
import { LAYOUT } from "../../../harness/claims/a2-no-secrets/layout.ts";
import { deleteArgs, etcdKey } from "../../../harness/etcd/canary.ts";
import { listFiles } from "../../../harness/evidence/manifest.ts";
import { ArtifactWriter } from "../../../harness/evidence/recorder.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { aescbcValue, configMapValue, secretValue } from "../../support/k8s-values.ts";

const ok = (stdout: string): ExecResult => ({ command: "kubectl", exitCode: 0, stdout, stderr: "", startedAt: "", durationMs: 1 });
const range = (kvs: [string, Buffer][]) =>
  JSON.stringify({ header: { revision: 9 }, kvs: kvs.map(([k, v]) => ({ key: Buffer.from(k).toString("base64"), create_revision: 5, mod_revision: 9, version: 1, value: v.toString("base64") })), count: kvs.length });

describe("A1 collection", () => {
  it("plants labelled canaries through the API server and reads their raw etcd bytes and every stored Secret", async () => {
    const key = randomBytes(32);
    const canary = `a1-canary-${randomBytes(8).toString("hex")}`;
    const sKey = etcdKey({ kind: "Secret", namespace: "secretproof-a1", name: "a1-canary" });
    const cKey = etcdKey({ kind: "ConfigMap", namespace: "secretproof-a1", name: "a1-control" });
    const stored = new Map<string, Buffer>([
      [sKey, aescbcValue(secretValue("a1-canary", "secretproof-a1", { value: canary }), "key1", key)],
      [cKey, configMapValue("a1-control", "secretproof-a1", { value: canary })],
    ]);
    const applied: string[] = [];
    const etcdctl: string[][] = [];
    const kube = {
      context: "kind-secretproof",
      apply: async (m: string) => (applied.push(m), ok("")),
      run: async (args: readonly string[]) => {
        const get = args.slice(args.indexOf("get"));
        etcdctl.push(get);
        if (get.includes("--prefix")) return ok(range([...stored].filter(([k]) => k.startsWith(get[1] as string))));
        const v = stored.get(get[1] as string);
        return ok(range(v ? [[get[1] as string, v]] : []));
      },
    };
    const e = await collectA1({ kube, clusterName: "secretproof", runId: "run-1" }, canary, { provider: "aescbc", keyName: "key1", key });
    const items = (JSON.parse(applied[0] as string) as { items: { kind: string; metadata: { labels: Record<string, string> }; data?: Record<string, string> }[] }).items;
    expect(items.map((i) => i.kind)).toEqual(["Namespace", "Secret", "ConfigMap"]);
    for (const i of items) expect(i.metadata.labels).toEqual({ "app.kubernetes.io/managed-by": "secretproof", "app.kubernetes.io/part-of": "secretproof", "secretproof.dev/run-id": "run-1" });
    expect(Buffer.from(items[1]?.data?.value as string, "base64").toString()).toBe(canary);
    expect(etcdctl).toEqual([
      ["get", sKey, "-w", "json"],
      ["get", cKey, "-w", "json"],
      ["get", "/registry/secrets/", "--prefix", "-w", "json"],
    ]);
    expect(judgeA1(e).verdict).toBe("pass");
  });

  it("cleans up the canaries, namespace last, without waiting on finalizers", async () => {
    const calls: string[][] = [];
    await deleteA1Canaries({ run: async (a: readonly string[]) => (calls.push([...a]), ok("")) });
    expect(calls).toEqual([
      deleteArgs({ kind: "Secret", namespace: "secretproof-a1", name: "a1-canary" }),
      deleteArgs({ kind: "ConfigMap", namespace: "secretproof-a1", name: "a1-control" }),
      ["delete", "namespace", "secretproof-a1", "--ignore-not-found", "--wait=false"],
    ]);
  });
});

describe("A2 evidence", () => {
  it("records needles by label and hash, an inventory and findings, and no value", async () => {
    const user = "v-kubernet-dynamic-Q1w2E3r4T5y6U7i8O9p0-1795000000";
    const plant = `a2-canary-${randomBytes(8).toString("hex")}`;
    const list = (items: object[]) => ({ apiVersion: "v1", kind: "List", items });
    const secret = (ns: string, name: string, v: string) => ({ apiVersion: "v1", kind: "Secret", metadata: { namespace: ns, name }, type: "Opaque", data: { password: Buffer.from(v).toString("base64") } });
    const scope = {
      identities: [{ label: "app DB identity #1", value: user }],
      control: { needle: { label: "planted canary", value: plant }, ...A2_PLANT },
      secretFreeNamespaces: ["test-dynamic"],
      allowedSecrets: [VAULT_CSI_HMAC_KEY("vault")],
    };
    const result = judgeA2({
      secretsAndConfigMaps: list([secret(A2_PLANT.namespace, A2_PLANT.name, plant), secret("default", "leak", user)]),
      pods: list([]),
      ...scope,
    });
    expect(result.verdict.verdict).toBe("fail");
    const dir = await mkdtemp(join(tmpdir(), "secretproof-a2-"));
    try {
      const paths = await writeA2Evidence(new ArtifactWriter(dir, new Redactor()), scopeOf(scope), result);
      expect(paths.sort()).toEqual(Object.values(LAYOUT).sort());
      const text = (await Promise.all((await listFiles(dir)).map((f) => readFile(join(dir, f), "latin1")))).join("\n");
      const checker = new Redactor();
      checker.register(user, "u");
      checker.register(plant, "p");
      expect(checker.leaks(text)).toBe(false);
      expect(text).toContain('"name": "leak"');
      expect(text).toContain("<redacted sha256:");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
