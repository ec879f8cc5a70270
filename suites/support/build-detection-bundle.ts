/** A detection bundle on disk, written as the e2e suite writes it: the real recorder, real formats, the real judge. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { Attack, Catalogue } from "../../harness/attack/catalogue.ts";
import type { AttemptRecord } from "../../harness/attack/attempt.ts";
import { loadDetectionEvidence } from "../../harness/claims/detection/evidence.ts";
import { judgeDetection } from "../../harness/claims/detection/judge.ts";
import { LAYOUT } from "../../harness/claims/detection/layout.ts";
import { detectionMatrixFiles } from "../../harness/claims/detection/matrix.ts";
import { canonicalJson, sha256 } from "../../harness/report/expectations.ts";
import { EvidenceRecorder, type RunExpectations } from "../../harness/evidence/recorder.ts";
import { Redactor } from "../../harness/evidence/redact.ts";
import { PROFILES } from "../../harness/profile.ts";
import { verifierExpectations } from "../../harness/report/own-expectations.ts";
import { deriveReports } from "../../harness/report/write-report.ts";
import { versions } from "../../clusters/versions.ts";
import { memoryBundle } from "./bundle.ts";
import { catalogue, pick, priorities } from "./falco-catalogue.ts";
import { POD, T0, alertLine, attempt, markerLine } from "./falco-samples.ts";

/** The attempts and alerts of `cat` and `proc-mem`, each followed by its barrier's marker. */
const RUNS: Record<string, { attempt: AttemptRecord; alerts: string[] }> = {
  cat: {
    attempt: attempt({ barrier: "secretproof-marker-b1", stdoutBytes: 20 }),
    alerts: [alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 100, cmdline: "cat /mnt/secrets/db-password" }), markerLine(T0 + 900, "secretproof-marker-b1")],
  },
  "proc-mem": {
    attempt: attempt({
      id: "detection/proc-mem", attack: "proc-mem", command: ["cat", "/proc/1/mem"], startMs: T0 + 2000, endMs: T0 + 2300,
      exitCode: 1, stdoutBytes: 0, stdout: "", stderr: "cat: /proc/1/mem: Permission denied\n", credentialRegistered: false, barrier: "secretproof-marker-b2",
    }),
    alerts: [
      alertLine({ rule: "SecretProof - Process Memory Open Refused", ms: T0 + 2100, cmdline: "cat /proc/1/mem", file: "/proc/1/mem", tag: "MEM-ATTEMPT" }),
      markerLine(T0 + 2900, "secretproof-marker-b2"),
    ],
  },
};

/** The catalogue the suite ran: the project's own environment declaration and the entries of `ids`. */
export function smallCatalogue(ids: readonly string[], rewrite: (a: Attack) => Attack = (a) => a): Catalogue {
  return { environment: catalogue.environment, attacks: ids.map((id) => rewrite(pick(id))) };
}

/** Writes a catalogue as a YAML file, as `verify --catalogue FILE` reads it. */
export async function writeCatalogueFile(dir: string, name: string, c: Catalogue): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, stringify(c));
  return path;
}

/** The app's own reads in a quiet window, and the stolen credential's login proof. */
function quietAndLogin(): Record<string, string | object> {
  const probes = [T0 + 6000, T0 + 7000].map((ms) => ({ at: new Date(ms).toISOString(), ms, durationMs: 30, status: 200, dbUser: "v-k-dyn-a", pid: 1 }));
  return {
    [LAYOUT.probes]: probes.map((p) => JSON.stringify(p)).join("\n") + "\n",
    [LAYOUT.quiet]: { startMs: T0 + 5000, endMs: T0 + 8000, barrier: "secretproof-marker-q" },
    [LAYOUT.login]: {
      at: new Date(T0).toISOString(),
      attack: "cat",
      attempts: [{ user: "v-k-dyn-a", ok: true, current_user: "v-k-dyn-a" }],
      wrongPassword: { user: "v-k-dyn-a", ok: false, reason: "password authentication failed" },
    },
  };
}

/** The detection suite's files for the entries of `cat` (each of cat and proc-mem), as the suite writes them. */
export function detectionFiles(cat: Catalogue): Record<string, string | object> {
  const runs = cat.attacks.map((a) => RUNS[a.id] as (typeof RUNS)[string]);
  return {
    [LAYOUT.catalogue]: { environment: { ptraceScope: "1", conditions: [] }, attacks: cat.attacks },
    [LAYOUT.rules]: priorities,
    [LAYOUT.pod]: POD,
    [LAYOUT.attempts]: runs.map((r) => `${JSON.stringify(r.attempt)}\n`).join(""),
    [LAYOUT.alerts]: [...runs.flatMap((r) => r.alerts), markerLine(T0 + 9000, "secretproof-marker-q")].join("\n") + "\n",
    ...quietAndLogin(),
  };
}

export interface DetectionBundleOpts {
  /** The catalogue the run used (default: cat and proc-mem); only its entries ran. */
  catalogue?: Catalogue;
  /** What run.json records as expectations; `null` records none (an older secretproof). */
  expectations?: RunExpectations | null;
  profile?: unknown;
}

/** A finalized bundle of one detection phase; verdicts judged on the evidence as written, as the suite judges. */
export async function buildDetectionBundle(root: string, o: DetectionBundleOpts = {}): Promise<string> {
  const cat = o.catalogue ?? smallCatalogue(["cat", "proc-mem"]);
  const expectations = o.expectations === undefined ? { ...verifierExpectations("ci").digests, catalogue: sha256(canonicalJson(cat)) } : o.expectations;
  const rec = await EvidenceRecorder.create(
    root,
    { tool: { name: "secretproof", version: "0.1.0", node: process.version }, profile: o.profile ?? PROFILES.ci, versions, ...(expectations ? { expectations } : {}) },
    new Redactor(),
  );
  const files = detectionFiles(cat);
  for (const [path, content] of Object.entries(files)) await rec.write(path, content);
  const ev = loadDetectionEvidence(memoryBundle(files));
  for (const [path, row] of detectionMatrixFiles(ev)) await rec.write(path, row);
  await rec.verdicts("detection", judgeDetection(ev));
  await rec.finalize("passed", { derive: deriveReports });
  return rec.dir;
}
