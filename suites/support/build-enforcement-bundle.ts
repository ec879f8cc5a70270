/** A finalized bundle of the enforcement family (T1–T3), recorded through the real recorder, judge and matrix. */
import type { AttemptRecord } from "../../harness/attack/attempt.ts";
import type { Attack } from "../../harness/attack/catalogue.ts";
import type { RemovalProof } from "../../harness/tetragon/enforcing.ts";
import { enforcementFamily } from "../../harness/claims/enforcement/family.ts";
import { loadEnforcementEvidence } from "../../harness/claims/enforcement/evidence.ts";
import { ID, LAYOUT } from "../../harness/claims/enforcement/layout.ts";
import { enforcementMatrixFiles } from "../../harness/claims/enforcement/matrix.ts";
import { EvidenceRecorder } from "../../harness/evidence/recorder.ts";
import { PROFILES } from "../../harness/profile.ts";
import { deriveReports } from "../../harness/report/write-report.ts";
import { canonicalJson, sha256 } from "../../harness/report/expectations.ts";
import { verifierExpectations } from "../../harness/report/own-expectations.ts";
import { smallCatalogue, writeCatalogueFile } from "./build-detection-bundle.ts";
import { versions } from "../../clusters/versions.ts";
import { memoryBundle } from "./bundle.ts";
import { pick, priorities } from "./falco-catalogue.ts";
import { T0, alertLine, attempt, dropLine, markerLine } from "./falco-samples.ts";
import { CAT_PROC, POD_STATE, POLICY, exitLine, kprobeLine, markerExec } from "./tetragon-samples.ts";

/** Variations of the enforcement files, for tests of the judges. */
export interface EnforcementFilesOpts {
  catExitSignal?: string;
  restartAfter?: number;
  identities?: string[];
  removal?: RemovalProof;
  /** The cat reader printed the password (exit 0, a credential) and no kill was seen. */
  catSurvived?: boolean;
  /** The cat entry as the bundle's catalogue records it. */
  catEntry?: Attack;
  /** Falco's internal event-drop alerts in the stream, one per second from the attempts' start. */
  falcoDrops?: number;
  /** The killed cat's READ alert is not in the stream. */
  catAlertMissing?: boolean;
}

/** The enforcement suite's files for one killed `cat`, one spared /proc/<pid>/mem read and a read after removal. */
export function enforcementFiles(o: EnforcementFilesOpts = {}): Record<string, string | object> {
  const killed = { exitCode: 137, stdoutBytes: 0, stdout: "", credentialRegistered: false };
  const cat = attempt({ id: "enforcement/cat", phase: "enforcement", ...(o.catSurvived ? {} : killed), barrier: "m1" });
  const mem: AttemptRecord = attempt({
    id: "enforcement/proc-mem", attack: "proc-mem", phase: "enforcement", command: ["cat", "/proc/1/mem"], startMs: T0 + 2000, endMs: T0 + 2300,
    exitCode: 1, stdoutBytes: 0, stdout: "", credentialRegistered: false, barrier: "m2",
  });
  const restored = attempt({ id: "restored/cat", phase: "restored", startMs: T0 + 40_000, endMs: T0 + 40_400, barrier: "m3" });
  const users = o.identities ?? ["v-k-dyn-a", "v-k-dyn-a", "v-k-dyn-b"];
  const probes = users.map((u, i) => ({ at: "", ms: T0 + 1000 + i * 5000, durationMs: 20, status: 200, dbUser: u, pid: 1 }));
  return {
    [LAYOUT.catalogue]: { environment: { ptraceScope: "1", conditions: [] }, attacks: [o.catEntry ?? pick("cat"), pick("proc-mem")] },
    [LAYOUT.rules]: priorities,
    [LAYOUT.podBefore]: POD_STATE,
    [LAYOUT.podAfter]: { ...POD_STATE, restartCount: o.restartAfter ?? 0 },
    [LAYOUT.attempts]: [cat, mem, restored].map((a) => JSON.stringify(a)).join("\n") + "\n",
    [LAYOUT.alerts]: [
      ...(o.catAlertMissing ? [] : [alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 90, cmdline: "cat /mnt/secrets/db-password" })]),
      ...Array.from({ length: o.falcoDrops ?? 0 }, (_, i) => dropLine(T0 + 1000 * i + 500)),
      markerLine(T0 + 900, "m1"),
      alertLine({ rule: "SecretProof - Process Memory Open Refused", ms: T0 + 2100, cmdline: "cat /proc/1/mem", file: "/proc/1/mem", tag: "MEM-ATTEMPT" }),
      markerLine(T0 + 2900, "m2"),
    ].join("\n"),
    [LAYOUT.events]: [
      ...(o.catSurvived ? [] : [kprobeLine(T0 + 90, CAT_PROC), exitLine(T0 + 95, CAT_PROC, o.catExitSignal ?? "SIGKILL")]),
      markerExec(T0 + 900, "m1"),
      markerExec(T0 + 2900, "m2"),
    ].join("\n"),
    [LAYOUT.barriers]: [
      { nonce: "m1", requestedMs: T0 + 850, seen: { falco: T0 + 900, tetragon: T0 + 900 } },
      { nonce: "m2", requestedMs: T0 + 2850, seen: { falco: T0 + 2900, tetragon: T0 + 2900 } },
    ],
    [LAYOUT.probes]: probes.map((p) => JSON.stringify(p)).join("\n"),
    [LAYOUT.phase]: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: T0 + 3000, removedAtMs: T0 + 30_000 },
    ...(o.removal ? { [LAYOUT.policyRemoved]: o.removal } : {}),
  };
}

/** The catalogue this bundle's run used: `cat` and `proc-mem`. */
export const enforcementCatalogue = () => smallCatalogue(["cat", "proc-mem"]);

/** That catalogue as a file, for `verify --catalogue FILE` (the verifier's own catalogue holds every entry). */
export const enforcementCatalogueFile = (dir: string) => writeCatalogueFile(dir, "enforcement-catalogue.yaml", enforcementCatalogue());

/** Records the files, the verdicts the judge gives on them and the matrix rows, then finalizes (run.json, SHA256SUMS, reports). */
export async function buildEnforcementBundle(root: string): Promise<string> {
  const files = enforcementFiles();
  const expectations = { ...verifierExpectations("ci").digests, catalogue: sha256(canonicalJson(enforcementCatalogue())) };
  const rec = await EvidenceRecorder.create(root, { tool: { name: "secretproof", version: "0.1.0", node: process.version }, profile: PROFILES.ci, versions, expectations });
  for (const [path, content] of Object.entries(files)) await rec.write(path, content);
  const view = memoryBundle(files);
  for (const [path, row] of enforcementMatrixFiles(loadEnforcementEvidence(view))) await rec.write(path, row);
  const verdicts = enforcementFamily.rejudge(view);
  await rec.verdicts(ID, verdicts);
  await rec.finalize(verdicts.every((v) => v.verdict === "pass") ? "passed" : "failed", { derive: deriveReports });
  return rec.dir;
}
