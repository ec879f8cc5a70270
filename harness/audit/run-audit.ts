import { versions } from "../../clusters/versions.ts";
import type { Verdict } from "../claims/verdict.ts";
import { TOOL_NAME, TOOL_VERSION } from "../core/tool.ts";
import { EvidenceRecorder, type RunRecord } from "../evidence/recorder.ts";
import { redactor, type Redactor } from "../evidence/redact.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { Profile } from "../profile.ts";
import { runExpectations } from "../report/own-expectations.ts";
import { deriveReports } from "../report/write-report.ts";
import type { RawReader } from "../claims/a1-encryption/collect-passive.ts";
import { runAuditA1 } from "./a1-audit.ts";
import { runAuditA2 } from "./a2-audit.ts";
import type { Needle } from "../claims/a2-no-secrets/scan.ts";
import { sharedSources, vaultUsernameNeedles } from "./app-usernames.ts";
import { type AgentsEvidence, collectAgents, presenceFindings } from "./agents-audit.ts";
import { observeDynamic, type PassiveSources } from "./dynamic-audit.ts";
import { judgeAuditDynamic } from "./dynamic-verdicts.ts";
import { toMs } from "../../clusters/duration.ts";
import { accessPlan, type AuditMode, READ_ONLY, workloadPermissions, type ClaimAccess } from "./access-plan.ts";
import { killingPolicies, runAttackSteps, type AttackIo } from "./attack-audit.ts";
import { killingRefusal } from "./policy-guards.ts";
import { type AccessAnswer, allAllowed, type ClaimReadiness, judgePreflight, type OutsideAnswer } from "./preflight-judge.ts";
import type { PolicySummary } from "./policy-record.ts";
import { auditPolicyStep, type AuditPolicyIo } from "./policy-step.ts";
import type { AuditTarget } from "./target.ts";
import { workloadChanges, workloadSampler, type WorkloadSample } from "./workload.ts";

/** Bundle paths the audit adds; `verify` carries them under the manifest like any file. */
export const AUDIT_LAYOUT = {
  preflight: "audit/preflight.json",
  workload: "audit/workload.json",
  /** Falco and Tetragon on the workload's nodes and the TracingPolicies that select it (agents-audit.ts). */
  agents: "audit/agents.json",
} as const;

/** The claims whose evidence a read-only audit collects; every other runnable claim is recorded as not collected yet. */
export const AUDIT_COLLECTS = ["A1", "A2", "D1", "D2", "D3"] as const;

/** What --attack adds: F1 and F2 judged from the catalogue's attempts and Falco's stream. */
export const ATTACK_COLLECTS = ["F1", "F2"] as const;

/** Claims a read-only audit observes without proving: recorded inconclusive with what was found. */
export const AUDIT_OBSERVES = ["F1", "F2", "T1", "T3"] as const;

/** What the audit talks to, so the run can be driven by recorded answers. */
export interface AuditIo {
  kube: Pick<Kubectl, "json">;
  reviewAccess(plan: readonly ClaimAccess[]): Promise<AccessAnswer[]>;
  checkOutside(): Promise<OutsideAnswer[]>;
  whoAmI(): Promise<{ username?: string; groups?: string[]; error?: string }>;
  /** Vault and Postgres for the passive D claims, opened only when one of them can run. */
  passiveSources?(): Promise<PassiveSources & { close(): Promise<void> }>;
  /** Raw etcd reads (Range only) over target.etcd's endpoints and client files, for A1. */
  etcdReader?(): Promise<RawReader>;
  /** kubectl with exec and the attack session: touched only with --attack. */
  attack?: AttackIo;
  /** The policy lifecycle: only with --attack --apply-policy FILE (policy-cli.ts). */
  applyPolicy?: AuditPolicyIo;
}

export interface AuditRecord {
  mode: "audit";
  /** read-only, or attack: the catalogue ran in the workload (--attack). */
  access: "read-only" | "attack";
  target: AuditTarget;
  identity: { username?: string; groups?: string[]; error?: string };
  /** Per claim: run (with its verdict in verdicts/), or inconclusive with the reasons it was not run. */
  claims: { claim: string; status: "run" | "inconclusive"; reasons: string[]; limits: string[] }[];
  /** The policy --apply-policy applied and removed; its full record is audit/policy.json. */
  policy?: PolicySummary;
  /** Why the --apply-policy step failed; `secretproof audit` then exits 3 (policy-guards.ts auditExitCode). */
  policyError?: string;
}

/** Readiness turned into what the run did: a runnable claim the audit does not collect yet is inconclusive, saying so. Pure. */
export function auditClaims(readiness: readonly ClaimReadiness[], mode: AuditMode = READ_ONLY): AuditRecord["claims"] {
  const collects: readonly string[] = [...AUDIT_COLLECTS, ...(mode.attack ? ATTACK_COLLECTS : [])];
  return readiness.map((r) => {
    if (r.status === "inconclusive") return { claim: r.claim, status: "inconclusive", reasons: r.reasons, limits: r.limits };
    if (collects.includes(r.claim)) return { claim: r.claim, status: "run", reasons: [], limits: r.limits };
    if ((AUDIT_OBSERVES as readonly string[]).includes(r.claim)) return { claim: r.claim, status: "inconclusive", reasons: [`${r.claim} is observed, not proven, in a read-only audit, and the observation did not complete`], limits: r.limits };
    return { claim: r.claim, status: "inconclusive", reasons: [`the identity has the access ${r.claim} needs, but this secretproof's audit does not collect ${r.claim} evidence yet`], limits: r.limits };
  });
}

export interface AuditRunOptions {
  target: AuditTarget;
  profile: Profile;
  /** Where the run directory is created. */
  root: string;
  io: AuditIo;
  /** The consent given: read-only unless --attack. */
  mode?: AuditMode;
  redactor?: Redactor;
  now?: () => string;
}

/** The run directory, its run.json carrying the audit record (run.json allows fields beyond its schema's). */
async function createAuditRun(o: AuditRunOptions, record: AuditRecord): Promise<EvidenceRecorder> {
  const rec = await EvidenceRecorder.create(
    o.root,
    {
      tool: { name: TOOL_NAME, version: TOOL_VERSION, node: process.version },
      profile: o.profile,
      versions,
      expectations: runExpectations(o.profile),
      environment: { mode: "audit", kubeContext: o.target.kubeContext },
    },
    o.redactor,
  );
  (rec.record as RunRecord & { audit?: AuditRecord }).audit = record;
  return rec;
}

/** Runs one step, records its timing, and returns its error message (a failed step is recorded, not thrown). */
async function timedStep(rec: EvidenceRecorder, now: () => string, name: string, fn: () => Promise<void>): Promise<string | undefined> {
  const startedAt = now();
  const t0 = Date.now();
  try {
    await fn();
    rec.step({ name, startedAt, durationMs: Date.now() - t0, ok: true });
    return undefined;
  } catch (err) {
    const error = err instanceof Error ? err.message : String(err);
    rec.step({ name, startedAt, durationMs: Date.now() - t0, ok: false, error });
    return error;
  }
}

/** What a claim ran without, added to its limits. */
function limit(record: AuditRecord, claim: string, why: string): void {
  record.claims.find((x) => x.claim === claim)?.limits.push(why);
}

/** A claim the audit set out to run but could not: inconclusive, with why. */
function notRun(record: AuditRecord, claim: string, why: string): void {
  const c = record.claims.find((x) => x.claim === claim);
  if (c) Object.assign(c, { status: "inconclusive", reasons: [...c.reasons, why] });
}

const windowOptions = (p: Profile) => ({
  windowMs: toMs(p.audit.window),
  intervalMs: toMs(p.dynamic.probeInterval),
  expiryToleranceMs: toMs(p.dynamic.expiryTolerance),
  dropGraceMs: toMs(p.dynamic.dropGrace),
});

/** A runnable observed claim: its reason becomes what was found. */
function observed(record: AuditRecord, readiness: readonly ClaimReadiness[], claim: string, text: string): void {
  const c = record.claims.find((x) => x.claim === claim);
  if (c && readiness.find((r) => r.claim === claim)?.status === "runnable") c.reasons = [text];
}

/** The DB usernames Vault issued for the role (its username template over pg_roles), for A2; a limit on A2 when they cannot be read. */
async function usernameNeedles(
  o: AuditRunOptions,
  sources: ReturnType<typeof sharedSources> | undefined,
  outside: readonly OutsideAnswer[],
  record: AuditRecord,
  step: (name: string, fn: () => Promise<void>) => Promise<string | undefined>,
): Promise<Needle[]> {
  const reach = (a: string) => outside.some((x) => x.access === a && x.ok);
  if (!sources || !reach("vault-token") || !reach("database")) return [];
  let needles: Needle[] = [];
  const error = await step("read Vault's username template and the pg_roles roles it matches, for A2", async () => {
    const found = await vaultUsernameNeedles(await sources.get(), o.target);
    needles = found.needles;
    if (found.template.limit) limit(record, "A2", `no DB usernames searched for: ${found.template.limit}`);
  });
  if (error !== undefined) limit(record, "A2", `no DB usernames searched for: ${error}`);
  return needles;
}

/** A read-only audit: preflight, the passive collectors the identity can run, a finalized bundle. */
export async function runAudit(o: AuditRunOptions): Promise<{ dir: string; record: AuditRecord; verdicts: Verdict[] }> {
  const now = o.now ?? (() => new Date().toISOString());
  const mode = o.mode ?? READ_ONLY;
  const plan = accessPlan(o.target, mode);
  const [answers, outside, identity] = await Promise.all([o.io.reviewAccess(plan), o.io.checkOutside(), o.io.whoAmI()]);
  const readiness = judgePreflight(plan, answers, outside);
  const record: AuditRecord = { mode: "audit", access: mode.attack ? "attack" : "read-only", target: o.target, identity, claims: auditClaims(readiness, mode) };
  const rec = await createAuditRun(o, record);
  await rec.write(AUDIT_LAYOUT.preflight, { plan, answers, outside, readiness });
  const verdicts: Verdict[] = [];
  const step = (name: string, fn: () => Promise<void>) => timedStep(rec, now, name, fn);
  const runs = (c: string) => record.claims.some((x) => x.claim === c && x.status === "run");
  // The workload's pods are sampled before and after the collectors: a pod replaced or restarted meanwhile is recorded.
  let sampler: ((at: string) => Promise<WorkloadSample>) | undefined;
  let before: WorkloadSample | undefined;
  if (allAllowed(answers, workloadPermissions(o.target))) {
    await step("sample the workload's pods", async () => {
      sampler = await workloadSampler(o.io.kube, o.target);
      before = await sampler(now());
    });
  }
  if (runs("A1")) {
    const open = o.io.etcdReader;
    const error = open
      ? await step("A1: read every value under /registry/secrets/ and the control ConfigMap from etcd", async () => void verdicts.push(await runAuditA1(await open(), rec)))
      : "this audit was given no etcd reader";
    if (error !== undefined) notRun(record, "A1", `the A1 read failed: ${error}`);
  }
  const sources = o.io.passiveSources && sharedSources(o.io.passiveSources);
  let agents: AgentsEvidence | undefined;
  if (AUDIT_OBSERVES.some((c) => readiness.find((r) => r.claim === c)?.status === "runnable")) {
    await step("find Falco, Tetragon and the TracingPolicies on the workload's nodes", async () => {
      const found = (agents = await collectAgents(o.io.kube, o.target, now()));
      await rec.write(AUDIT_LAYOUT.agents, found);
      for (const [claim, text] of Object.entries(presenceFindings(found))) observed(record, readiness, claim, text);
    });
  }
  // With --attack: the pod's tools and mounted password before A2 (which searches for it), the catalogue after.
  const attack = mode.attack && o.io.attack ? runAttackSteps({ io: o.io.attack, target: o.target, profile: o.profile, rec, record, step, agents, redactors: [redactor, ...(o.redactor ? [o.redactor] : [])] }) : undefined;
  const password = attack ? await attack.prepare() : undefined;
  if (runs("A2")) {
    const needles: Needle[] = [...(await usernameNeedles(o, sources, outside, record, step)), ...(password ? [password] : [])];
    const error = await step("A2: scan Secrets, ConfigMaps and Pods", async () => void verdicts.push(await runAuditA2(o.io.kube, o.target, rec, needles)));
    if (error !== undefined) notRun(record, "A2", `the A2 scan failed: ${error}`);
  }
  if (attack) verdicts.push(...(await attack.run()));
  if (mode.attack && mode.applyPolicy && o.io.applyPolicy) {
    const runnable = readiness.filter((r) => r.status === "runnable").map((r) => r.claim);
    // The enforcement phase runs the catalogue --attack prepared; without it the policy's lifecycle runs alone.
    const attacks = o.io.applyPolicy.attacks ?? attack?.enforcement();
    const refusal = killingRefusal(killingPolicies(agents), o.target.secrets.mountPath);
    verdicts.push(...(await auditPolicyStep({ ...o.io.applyPolicy, ...(attacks ? { attacks } : {}) }, { record, runId: rec.record.runId, write: (rel, content) => rec.write(rel, content), step, runnable, ...(refusal ? { refusal } : {}) })));
  }
  const dynamic = (["D1", "D2", "D3"] as const).filter((c) => readiness.find((r) => r.claim === c)?.status === "runnable");
  // An interrupt during --apply-policy ends the run: no observation window starts, the bundle is finalized.
  if (record.policy?.interrupted) for (const c of dynamic) notRun(record, c, `the run was interrupted by ${record.policy.interrupted}`);
  else if (dynamic.length && sources) {
    const error = await step("observe the role's leases, pg_roles and the workload's pods over the window", async () => {
      const found = await observeDynamic(await sources.get(), o.target, rec, sampler, windowOptions(o.profile));
      for (const [claim, text] of Object.entries(found.findings)) observed(record, readiness, claim, text);
      verdicts.push(...(await judgeAuditDynamic(found.observed, found.findings, rec)));
    });
    if (error !== undefined) for (const c of dynamic) notRun(record, c, `the observation failed: ${error}`);
  } else for (const c of dynamic) notRun(record, c, "this audit was given no Vault or database reader");
  await sources?.close();
  if (sampler && before) {
    const [take, first] = [sampler, before];
    await step("sample the workload's pods again", async () => {
      const after = await take(now());
      const changes = workloadChanges(first, after);
      await rec.write(AUDIT_LAYOUT.workload, { samples: [first, after], changes });
      attack?.finish(changes);
    });
  }
  attack?.finish(undefined);
  const failed = verdicts.some((v) => v.verdict === "fail") || rec.record.steps.some((s) => !s.ok);
  await rec.finalize(failed ? "failed" : "passed", { derive: deriveReports });
  return { dir: rec.dir, record, verdicts };
}
