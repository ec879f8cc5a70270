/** Builds evidence bundles the way an e2e run does: the real recorder, real formats, a real judge. */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { EvidenceRecorder } from "../../harness/evidence/recorder.ts";
import { MANIFEST, buildManifest } from "../../harness/evidence/manifest.ts";
import { Redactor } from "../../harness/evidence/redact.ts";
import { matrixArtifactPath } from "../../harness/claims/matrix.ts";
import type { MatrixRow } from "../../harness/claims/registry.ts";
import { deriveReports } from "../../harness/report/write-report.ts";
import { versions } from "../../clusters/versions.ts";
import { PROFILES } from "../../harness/profile.ts";
import { runExpectations } from "../../harness/report/own-expectations.ts";
import * as F from "./fixture-family.ts";

export const PASSWORD = "gXH2tx-vLIQ5AcFL7gPD";
export const IDENTITY = "v-kubernet-secure-t-Z3Xq0NlTt7lqU5jh0bQc-1767225600";
const CANARY_VALUE = "secretproof-canary-7f3a91";
const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

export const ATTACKS = [
  { attack: "cat", binary: "/usr/bin/cat", method: "cat", command: "cat /mnt/secrets/db-password" },
  {
    attack: "python3-open",
    binary: "/usr/local/bin/python3.12",
    method: 'python3 -c "open(…)"',
    command: "python3 -c \"print(open('/mnt/secrets/db-password').read())\"",
  },
];

function secretList(): F.SecretList {
  const secret = (namespace: string, name: string, data: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name, namespace, uid: randomBytes(16).toString("hex"), resourceVersion: "1234" },
    data,
  });
  return {
    apiVersion: "v1",
    kind: "List",
    metadata: { resourceVersion: "" },
    items: [
      secret("vault", "vault-csi-provider-hmac-key", { key: b64(randomBytes(32)) }),
      secret("test-canary", "planted-canary", { value: b64(CANARY_VALUE) }),
      secret("kube-system", "cilium-ca", { "ca.crt": b64("-----BEGIN CERTIFICATE-----\nMIIB…\n-----END CERTIFICATE-----\n") }),
    ],
  };
}

function tetragonKill(binary: string, t: string): object {
  return {
    process_kprobe: {
      process: {
        binary,
        arguments: "/mnt/secrets/db-password",
        pod: { namespace: "test-dynamic", name: "secure-test-app-7c9d8b5f4-x2x9q", container: { image: { name: "secretproof/secure-test-app:dev" } } },
      },
      parent: { binary: "/usr/bin/runc" },
      function_name: "security_file_open",
      args: [{ file_arg: { path: "/mnt/secrets/..2026_01_01_00_00_00.123456789/db-password" } }],
      action: "KPROBE_ACTION_SIGKILL",
      policy_name: "protect-mnt-secrets",
    },
    node_name: "secretproof-control-plane",
    time: t,
  };
}

async function recordAttempts(rec: EvidenceRecorder, survivors: string[]): Promise<F.Verdict[]> {
  const attempts: F.Attempt[] = [];
  const events: object[] = [];
  for (const [i, a] of ATTACKS.entries()) {
    const killed = !survivors.includes(a.attack);
    const attempt: F.Attempt = {
      ...a,
      exitCode: killed ? 137 : 0,
      stdout: killed ? "" : `${PASSWORD}\n`,
      stderr: killed ? "command terminated with exit code 137\n" : "",
    };
    attempts.push(attempt);
    await rec.write(F.attemptPath(a.attack), attempt);
    if (killed) events.push(tetragonKill(a.binary, `2026-01-01T00:0${i}:01.250000000Z`));
    const detection: MatrixRow = { attack: a.attack, method: a.method, falcoRule: "[READ] secret file opened in pod", falcoFired: true, timeToDetectMs: 840 + i };
    const enforcement: MatrixRow = {
      attack: a.attack,
      method: a.method,
      tetragonKilled: killed,
      exitCode: attempt.exitCode,
      timeToKillMs: killed ? 12 + i : null,
      evidence: [F.attemptPath(a.attack), F.TETRAGON],
    };
    await rec.write(matrixArtifactPath("detection", a.attack), detection);
    await rec.write(matrixArtifactPath("enforcement", a.attack), enforcement);
  }
  await rec.write(F.TETRAGON, events.map((e) => `${JSON.stringify(e)}\n`).join(""));
  // judged in memory on what was collected, as a suite does
  return attempts.map((a) => F.judgeKilled(a, events));
}

export interface BuiltBundle {
  dir: string;
  redactor: Redactor;
}

/** A finalized bundle; `survivors` are attacks Tetragon did not kill (T1 fails for them). */
export async function buildBundle(root: string, opts: { survivors?: string[] } = {}): Promise<BuiltBundle> {
  const red = new Redactor();
  red.register(PASSWORD, "db password");
  const rec = await EvidenceRecorder.create(
    root,
    { tool: { name: "secretproof", version: "0.1.0", node: process.version }, profile: PROFILES.ci, versions, expectations: runExpectations(PROFILES.ci) },
    red,
  );
  rec.step({ name: "kind create cluster", startedAt: "2026-01-01T00:00:00.000Z", durationMs: 61_200, ok: true });
  rec.step({ name: "helm install vault", startedAt: "2026-01-01T00:01:02.000Z", durationMs: 23_400, ok: true });
  const list = secretList();
  await rec.write(F.SECRETS, list);
  await rec.write(F.IDENTITIES, [IDENTITY]);
  await rec.write(F.CANARY, { name: "test-canary/planted-canary", value: CANARY_VALUE });
  const verdicts = [
    F.judgeNoSecret(list, [IDENTITY], { name: "test-canary/planted-canary", value: CANARY_VALUE }),
    ...(await recordAttempts(rec, opts.survivors ?? [])),
  ];
  await rec.verdicts(F.FIXTURE_FAMILY_ID, verdicts);
  rec.suite({ name: "suites/e2e/enforcement.test.ts", startedAt: "2026-01-01T00:03:00.000Z", durationMs: 9_800, ok: !opts.survivors?.length });
  await rec.finalize(opts.survivors?.length ? "failed" : "passed", { derive: deriveReports });
  return { dir: rec.dir, redactor: red };
}

/** What a careful forger does after editing files: recompute SHA256SUMS. */
export async function rewriteManifest(dir: string): Promise<void> {
  await writeFile(join(dir, MANIFEST), await buildManifest(dir));
}
