import { formatMs } from "../../../clusters/duration.ts";
import { recordProbe } from "../../core/record-probe.ts";
import type { ProbeResult } from "../../core/wait.ts";
import type { ClaimId } from "../verdict.ts";
import type { DynamicEvidence } from "./evidence.ts";
import { judgeDynamic } from "./family.ts";

/** The observation's steps, in the order they run, each named for the test that asserts on it. */
export const OBSERVATION_STEPS = ["D2", "D1", "D3-revocation", "D4", "D3-expiry"] as const;
export type ObservationStep = (typeof OBSERVATION_STEPS)[number];

/** How one step ended: `message` says why it did not (a prerequisite, a cadence, an error). */
export interface StepOutcome {
  step: ObservationStep;
  ok: boolean;
  message?: string;
  startedAt: string;
  durationMs: number;
}

/** What observation.json holds. */
export interface ObservationRecord {
  startedAt: string;
  durationMs: number;
  steps: StepOutcome[];
  /** Connecting failed: no step ran. */
  connectError?: string;
  /** Closing failed: the verdicts were not recorded or the control role was left. */
  closeError?: string;
}

/** Why a step did not succeed, in words, or undefined when it did. */
export function stepProblem(rec: ObservationRecord, step: ObservationStep): string | undefined {
  if (rec.connectError) return `the dynamic observation could not connect: ${rec.connectError}`;
  const s = rec.steps.find((x) => x.step === step);
  if (!s) return `the dynamic observation ended before ${step} (after ${formatMs(rec.durationMs)})${rec.closeError ? `: ${rec.closeError}` : ""}`;
  return s.ok ? undefined : `${step} (the dynamic observation's step, ${formatMs(s.durationMs)}): ${s.message ?? "failed"}`;
}

/** The verdict on `claim` (and `subject`) from the evidence, with its reasons and its negative control's. */
export function judgedFrom(ev: DynamicEvidence, claim: ClaimId, subject?: string) {
  const v = judgeDynamic(ev).find((x) => x.claim === claim && (subject === undefined || x.subject === subject));
  return { verdict: v?.verdict, why: [...(v?.reasons ?? []), ...(v?.negativeControl?.reasons ?? [])].join("\n"), control: v?.negativeControl?.verdict };
}

/**
 * One look at observation.json as a wait's probe. The file is written with a
 * plain writeFile (truncate, then write), so a look can catch it empty or
 * cut short: that is "not yet", as is a file not written; only a whole
 * record (it parses and has its steps) ends the wait.
 */
export function observationProbe(text: string | undefined): ProbeResult<ObservationRecord> {
  return recordProbe(text, "an observation record", (r) => Array.isArray(r.steps) && typeof r.startedAt === "string");
}
