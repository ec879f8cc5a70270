/** A1 bundles recorded the way the A1 suite records them: collect from etcd's raw bytes, write, judge, verdicts. */
import { createHash, randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { versions } from "../../../clusters/versions.ts";
import { judgeA1, type ExpectedEncryption } from "../../../harness/claims/a1-encryption/judge.ts";
import { a1EncryptionFamily } from "../../../harness/claims/a1-encryption/family.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import { collectA1 } from "../../../harness/claims/a1-encryption/collect.ts";
import { writeA1Evidence } from "../../../harness/claims/a1-encryption/evidence.ts";
import { etcdKey } from "../../../harness/etcd/canary.ts";
import { MANIFEST, buildManifest } from "../../../harness/evidence/manifest.ts";
import { EvidenceRecorder } from "../../../harness/evidence/recorder.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { runExpectations } from "../../../harness/report/own-expectations.ts";
import { aescbcValue, configMapValue, secretValue } from "../../support/k8s-values.ts";

export const KEY = randomBytes(32);
export const CANARY = `a1-canary-${randomBytes(16).toString("hex")}`;
export const NS = "secretproof-a1";
export const SKEY = etcdKey({ kind: "Secret", namespace: NS, name: "a1-canary" });
export const CKEY = etcdKey({ kind: "ConfigMap", namespace: NS, name: "a1-control" });
export const canarySecret = secretValue("a1-canary", NS, { value: CANARY });
/** An EncryptionConfiguration as kind mounts it for kube-apiserver (k8s docs, apiserver.config.k8s.io/v1). */
export const KEY_CONFIG = [
  "apiVersion: apiserver.config.k8s.io/v1",
  "kind: EncryptionConfiguration",
  "resources:",
  "  - resources: [secrets]",
  "    providers:",
  "      - aescbc:",
  "          keys:",
  "            - name: key1",
  `              secret: ${KEY.toString("base64")}`,
  "            - name: key0",
  `              secret: ${randomBytes(32).toString("base64")}`,
  "      - identity: {}",
].join("\n");

/** kubectl whose `exec … etcdctl get` answers from `stored` in etcdctl's -w json format. */
function clusterWith(stored: Map<string, Buffer>) {
  const res = (stdout: string): ExecResult => ({ command: "kubectl", exitCode: 0, stdout, stderr: "", startedAt: "", durationMs: 1 });
  const range = (kvs: [string, Buffer][]) =>
    JSON.stringify({ header: { revision: 9 }, kvs: kvs.map(([k, v]) => ({ key: Buffer.from(k).toString("base64"), create_revision: 5, mod_revision: 9, version: 1, value: v.toString("base64") })), count: kvs.length });
  return {
    context: "kind-secretproof",
    apply: async () => res(""),
    run: async (args: readonly string[]) => {
      const get = args.slice(args.indexOf("get"));
      const key = get[1] as string;
      if (get.includes("--prefix")) return res(range([...stored].filter(([k]) => k.startsWith(key))));
      const v = stored.get(key);
      return res(range(v ? [[key, v]] : []));
    },
  };
}

/** A finalized bundle recorded the way the A1 suite records it: collect, write, judge, verdicts. */
export async function recordA1(root: string, stored: Map<string, Buffer>, expected: ExpectedEncryption = { provider: "aescbc", keyName: "key1", key: KEY }) {
  const red = new Redactor();
  red.register(KEY, "etcd encryption key (raw)");
  red.register(KEY.toString("base64"), "etcd encryption key (base64)");
  const rec = await EvidenceRecorder.create(root, { tool: { name: "secretproof", version: "0.1.0", node: process.version }, profile: PROFILES.ci, versions, expectations: runExpectations(PROFILES.ci) }, red);
  const e = await collectA1({ kube: clusterWith(stored), clusterName: "secretproof", runId: "run-1" }, CANARY, expected);
  const v = judgeA1({ ...e, evidence: await writeA1Evidence(rec, e) });
  await rec.verdicts(a1EncryptionFamily.id, [v]);
  await rec.finalize(v.verdict === "pass" ? "passed" : "failed");
  return { dir: rec.dir, verdict: v };
}

export function healthyCluster(): Map<string, Buffer> {
  return new Map([
    [SKEY, aescbcValue(canarySecret, "key1", KEY)],
    [CKEY, configMapValue("a1-control", NS, { value: CANARY })],
    ["/registry/secrets/kube-system/bootstrap-token-abcdef", aescbcValue(secretValue("bootstrap-token-abcdef", "kube-system", { "token-secret": randomBytes(8).toString("hex") }), "key1", KEY)],
  ]);
}

/** Edits a recorded JSON file and recomputes SHA256SUMS, as a careful forger would. */
export async function forge(dir: string, path: string, edit: (doc: Record<string, unknown>) => void): Promise<void> {
  const doc = JSON.parse(await readFile(join(dir, path), "utf8")) as Record<string, unknown>;
  edit(doc);
  await writeFile(join(dir, path), JSON.stringify(doc, null, 2));
  await writeFile(join(dir, MANIFEST), await buildManifest(dir));
}

export const createHashHex = (b: Buffer) => createHash("sha256").update(b).digest("hex");

