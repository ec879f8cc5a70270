import type { Needle } from "../claims/a2-no-secrets/scan.ts";
import type { Verdict } from "../claims/verdict.ts";
import type { Redactor } from "../evidence/redact.ts";
import type { ArtifactWriter } from "../evidence/recorder.ts";
import type { Profile } from "../profile.ts";
import type { AgentsEvidence } from "./agents-audit.ts";
import { auditWhere } from "./attack-where.ts";
import { attackAndJudge, prepareAttack, t2Finding, type AttackIo, type AttackOutcome, type AttackPrep } from "./attack-step.ts";
import { enforcedAttacks } from "./enforcement-phase.ts";
import type { EnforcedAttacks } from "./policy-step.ts";
import { type AuditTarget, isPresent } from "./target.ts";

export type { AttackIo };

/** The audit record's claims, as run-audit.ts keeps them (run or inconclusive, with reasons). */
interface ClaimsRecord {
  claims: { claim: string; status: "run" | "inconclusive"; reasons: string[] }[];
}

/** What the --attack steps share with the audit run. */
export interface AttackStepsContext {
  io: AttackIo;
  target: AuditTarget;
  profile: Profile;
  rec: ArtifactWriter;
  record: ClaimsRecord;
  step(name: string, fn: () => Promise<void>): Promise<string | undefined>;
  agents?: AgentsEvidence;
  /** The redactors the mounted password is registered with (the CLI's process-wide one, the run's). */
  redactors: readonly Redactor[];
}

/** Policies that select the workload and kill (Sigkill) in enforce mode: under them a detection-phase read cannot succeed. Pure. */
export function killingPolicies(agents: AgentsEvidence | undefined): string[] {
  if (!agents || "unreadable" in agents.policies) return [];
  return agents.policies.findings.filter((f) => f.selects && f.mode === "enforce" && f.kills.length > 0).map((f) => `${f.kind} ${f.namespace ? `${f.namespace}/` : ""}${f.name}`);
}

/**
 * Why the detection phase must not run: a policy kills readers of the mount,
 * or, with Tetragon present, the policies could not be read (one may kill:
 * its kills would read as detection failures). Undefined when it may run. Pure.
 */
export function detectionRefusal(t: AuditTarget, agents: AgentsEvidence | undefined): string | undefined {
  const killing = killingPolicies(agents);
  if (killing.length) return `${killing.join(", ")} already kills readers under ${t.secrets.mountPath}, so a read cannot succeed as the detection phase expects; judging the kills of an existing policy is not built yet`;
  if (!isPresent(t.tetragon)) return undefined;
  if (!agents) return "the TracingPolicies were not read, so whether one kills readers under the mount (and would turn detection into failures) is unknown";
  if ("unreadable" in agents.policies) return `the TracingPolicies could not be read (${agents.policies.unreadable}), so whether one kills readers under the mount is unknown`;
  return undefined;
}

/** T2's reasons with the detection phase's finding in place of "not collected yet", wherever it stands (the --apply-policy step may put its line before it). Pure. */
export function withT2Finding(reasons: readonly string[], finding: string): string[] {
  return reasons.map((r) => (r.startsWith("the identity has the access T2 needs, but") ? finding : r));
}

function claim(record: ClaimsRecord, id: string) {
  return record.claims.find((c) => c.claim === id);
}

/** F1 and F2 could not be judged: inconclusive with why. */
function notJudged(record: ClaimsRecord, why: string): void {
  for (const id of ["F1", "F2"]) {
    const c = claim(record, id);
    if (c?.status === "run") Object.assign(c, { status: "inconclusive", reasons: [...c.reasons, why] });
  }
}

/** Entries not run, per claim, for the record: "perl-ne: the workload image has no perl". */
function notRunReasons(record: ClaimsRecord, prep: AttackPrep, outcome: AttackOutcome): void {
  for (const id of ["F1", "F2"]) {
    const c = claim(record, id);
    if (!c) continue;
    const mine = prep.cat.attacks.filter((a) => a.claims.includes(id as "F1") && prep.cat.notRun[a.id] !== undefined);
    c.reasons.push(...mine.map((a) => `${a.id}: not run: ${prep.cat.notRun[a.id]}`), ...outcome.notes, ...prep.notes);
  }
}

/**
 * The --attack steps, in the audit's order: prepare (before A2: the pod's
 * binaries, the mounted password A2 then searches for), run (the catalogue,
 * F1/F2 judged and recorded) and finish (T1, T2, T3 stated from what the run
 * saw). Nothing runs unless F1 or F2 is runnable, and nothing runs under a
 * policy that already kills readers of the mount.
 */
export function runAttackSteps(c: AttackStepsContext) {
  let prep: AttackPrep | undefined;
  let outcome: AttackOutcome | undefined;
  let finished = false;
  const runs = ["F1", "F2"].some((id) => claim(c.record, id)?.status === "run");
  return {
    async prepare(): Promise<Needle | undefined> {
      if (!runs) return undefined;
      const refusal = detectionRefusal(c.target, c.agents);
      if (refusal) {
        notJudged(c.record, refusal);
        return undefined;
      }
      const error = await c.step("--attack: look up the catalogue's binaries in the workload's image and read the mounted password", async () => {
        prep = await prepareAttack(c.io, c.target, auditWhere(c.target), c.redactors);
      });
      if (error !== undefined) notJudged(c.record, `preparing the attack failed: ${error}`);
      return prep?.password;
    },
    async run(): Promise<Verdict[]> {
      const p = prep;
      if (!p) return [];
      const error = await c.step("--attack: run the catalogue in one workload pod and judge F1/F2 from Falco's stream", async () => {
        outcome = await attackAndJudge(c.io, auditWhere(c.target), p, c.rec, c.profile);
      });
      if (!outcome) {
        notJudged(c.record, `the attack failed: ${error ?? "no outcome"}`);
        return [];
      }
      notRunReasons(c.record, p, outcome);
      if (error !== undefined) notJudged(c.record, error);
      return outcome.verdicts;
    },
    /** The enforcement phase --apply-policy runs under its policy, on this run's catalogue; undefined when the catalogue was not prepared or no Tetragon stream can be opened. */
    enforcement(): EnforcedAttacks | undefined {
      const open = c.io.openTetragon;
      if (!prep || !open) return undefined;
      return enforcedAttacks({ io: { kube: c.io.kube, openSession: (where, phase) => c.io.openSession(where, phase), openTetragon: open }, target: c.target, profile: c.profile, prep, rec: c.rec });
    },
    /** Once, after the last workload sample (`changes`, or undefined when none was taken). */
    finish(changes: readonly string[] | undefined): void {
      if (finished || !outcome) return;
      finished = true;
      const t2 = claim(c.record, "T2");
      // Only a T2 the identity could run (its reason is then "not collected yet") becomes the observation.
      if (t2) t2.reasons = withT2Finding(t2.reasons, t2Finding(outcome, changes));
      for (const id of ["T1", "T3"]) {
        const x = claim(c.record, id);
        if (x) x.reasons = x.reasons.map((r) => r.replace(/ is proven only with --attack$/, " is not proven: --attack ran the catalogue, and proving a kill needs a policy applied for the run (--apply-policy)"));
      }
    },
  };
}
