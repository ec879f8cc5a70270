import { findAppPod } from "../attack/app-pod.ts";
import type { CataloguePaths } from "../attack/catalogue-paths.ts";
import { catalogueTools } from "../attack/image-tools.ts";
import { loadAttackMatrix } from "../attack/matrix-catalogue.ts";
import type { AttackSession } from "../attack/session.ts";
import type { AttackWhere } from "../attack/where.ts";
import type { Needle } from "../claims/a2-no-secrets/scan.ts";
import type { Verdict } from "../claims/verdict.ts";
import { MIN_SECRET_LENGTH, type Redactor } from "../evidence/redact.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { TetragonCollectorOptions } from "../tetragon/collector.ts";
import type { EnforcementStream } from "./enforcement-types.ts";
import type { Profile } from "../profile.ts";
import { auditCatalogue, passwordFileOf, toolLookupScript, toolsFound, type AuditCatalogue } from "./attack-catalogue.ts";
import { quietWindow, recordDetection, runCatalogue } from "./attack-phase.ts";
import type { AuditTarget } from "./target.ts";

/** What --attack talks to: kubectl with exec, and the attack session (AttackSession.open in the workload's namespace). */
export interface AttackIo {
  kube: Kubectl;
  /** The session of `phase` ("detection" unless told). */
  openSession(where: AttackWhere, phase?: string): Promise<AttackSession>;
  /** Tetragon's event stream, for the enforcement phase under --apply-policy (a TetragonCollector). */
  openTetragon?(opts: TetragonCollectorOptions): EnforcementStream;
}

/** What the attack learned in the pod before any session opened: the catalogue it can run, and the mounted password. */
export interface AttackPrep {
  pod: string;
  cat: AuditCatalogue;
  paths: CataloguePaths;
  priorities: Record<string, string>;
  /** The mounted password, registered with the redactor: A2 searches for it. */
  password?: Needle;
  notes: string[];
}

/** Which of the catalogue's binaries the workload image has (`command -v` under sh), or why that could not be looked up. */
async function imageTools(io: AttackIo, where: AttackWhere, pod: string, tools: string[]): Promise<Set<string> | { unknown: string }> {
  const { namespace, container } = where.app;
  try {
    const r = await io.kube.exec(namespace, pod, ["sh", "-c", toolLookupScript(tools)], { container });
    return toolsFound(r.stdout, tools);
  } catch (err) {
    return { unknown: `sh -c 'command -v …' in ${namespace}/${pod} container ${container} failed: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Before the session: finds the pod to attack (the first live one), looks up
 * the catalogue's binaries in its image, and reads the mounted password (an
 * attack itself: Falco raises its read alert; its stream is not open yet, so
 * no attempt's window holds it), registering it at once with every redactor.
 */
export async function prepareAttack(io: AttackIo, t: AuditTarget, where: AttackWhere, redactors: readonly Redactor[]): Promise<AttackPrep> {
  const file = passwordFileOf(t);
  if (!file) throw new Error(`target.secrets.passwordFile: none of ${t.secrets.files.join(", ")} is known to hold the password; name it in passwordFile`);
  const { catalogue, priorities } = loadAttackMatrix();
  const pod = (await findAppPod(io.kube, where.app)).name;
  const tools = await imageTools(io, where, pod, catalogueTools(catalogue.attacks));
  const cat = auditCatalogue(catalogue.attacks, t, file, tools);
  const paths = { mountPath: t.secrets.mountPath, passwordFile: file };
  const path = `${t.secrets.mountPath}/${file}`;
  const r = await io.kube.exec(where.app.namespace, pod, ["cat", path], { container: where.app.container, secretStdout: true });
  const value = r.stdout.trim();
  const notes: string[] = [];
  if (value.length < MIN_SECRET_LENGTH) {
    notes.push(`${path} in ${pod} held ${value.length} characters, too short to redact safely, so A2 does not search for it`);
    return { pod, cat, paths, priorities, notes };
  }
  for (const red of redactors) red.register(value, `the database password mounted at ${path} (read by --attack)`);
  return { pod, cat, paths, priorities, password: { label: `password mounted at ${path}`, value, kind: "db-password" }, notes };
}

/** The session, the catalogue, the quiet window and the recorded F1/F2 verdicts; the session always closes. */
export async function attackAndJudge(io: AttackIo, where: AttackWhere, prep: AttackPrep, w: ArtifactWriter, profile: Profile): Promise<AttackOutcome> {
  const s = await io.openSession(where);
  const notes: string[] = [];
  if (s.pod.name !== prep.pod) notes.push(`the password was read in pod ${prep.pod}, the attacks ran in ${s.pod.name} (the first live pod changed meanwhile)`);
  let quiet;
  try {
    const run = await runCatalogue(s, prep.cat);
    if (run.stopped) notes.push(run.stopped);
    else quiet = await quietWindow(s, profile);
  } catch (err) {
    notes.push(`the quiet window failed: ${err instanceof Error ? err.message : String(err)}`);
  }
  const verdicts = await recordDetection(w, s, { cat: prep.cat, paths: prep.paths, priorities: prep.priorities, quiet });
  const probes = s.traffic.probes();
  return { verdicts, notes, pod: s.pod.name, ...(s.probed ? { probes: { ok: probes.filter((p) => p.status === 200).length, total: probes.length } } : {}) };
}

export interface AttackOutcome {
  verdicts: Verdict[];
  notes: string[];
  /** The pod attacked. */
  pod: string;
  /** The app's answers through its Service during the session, when probed. */
  probes?: { ok: number; total: number };
}

/**
 * T2 after an attack without enforcement: not judged (T2 is about the app
 * under a killing policy), stating what was observed: the workload's pods
 * across the run and the app's answers. Pure.
 */
export function t2Finding(o: Pick<AttackOutcome, "pod" | "probes">, changes: readonly string[] | undefined): string {
  const pods = changes === undefined ? "the workload's pods were not sampled before and after" : changes.length ? `the workload changed: ${changes.join("; ")}` : "every workload pod kept its UID and restartCount";
  const probes = o.probes ? `the app answered 200 to ${o.probes.ok} of ${o.probes.total} requests` : "the app was not probed (no target.workload.service)";
  return `no TracingPolicy was applied for the attacks (--apply-policy applies one), so the app was not shown serving under enforcement; observed while attacking pod ${o.pod}: ${pods}; ${probes}`;
}
