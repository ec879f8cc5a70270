import { resolve } from "node:path";
import { StepLog } from "../../core/log.ts";
import { ArtifactWriter } from "../../evidence/recorder.ts";
import { redactor } from "../../evidence/redact.ts";
import type { StepTiming } from "../../evidence/recorder.ts";
import { requireTier } from "../../preflight.ts";
import type { Profile } from "../../profile.ts";
import { collectDiagnostics } from "./diagnostics.ts";
import { runGraph, StepFailedError } from "./graph.ts";
import { clusterName as defaultClusterName, kindContext } from "../../../clusters/names.ts";
import { stateDir as defaultStateDir } from "../state/state.ts";
import { upStep, UP_STEPS } from "./steps.ts";
import type { UpContext } from "./context.ts";
import { activeMutation } from "../../mutations/env.ts";
import type { Mutation } from "../../mutations/schema.ts";

export interface UpOptions {
  profile: Profile;
  clusterName?: string;
  log?: StepLog;
  /** Where diagnostics are written on failure (normally the run directory). */
  evidence?: ArtifactWriter;
  /** The caller already ran the e2e preflight. */
  skipPreflight?: boolean;
  /** Once aborted, no further step starts (running ones finish), and the caller collects the diagnostics. */
  signal?: AbortSignal;
  /** Build the stack under this mutation; default: the one SECRETPROOF_MUTATION names, if any. */
  mutation?: Mutation;
}

export interface UpResult {
  clusterName: string;
  kubeContext: string;
  stateDir: string;
  created: boolean;
  /** The DB user the app answered with at the end of `up`. */
  appIdentity: string;
  timings: StepTiming[];
}

/** On failure: which step, what it waited for and saw last (in the error), and the failing component's pods, events and logs. */
async function report(ctx: UpContext, err: StepFailedError): Promise<string> {
  if (!ctx.kubectl) return "";
  const d = await collectDiagnostics(upStep(err.step) ?? { name: err.step }, ctx.kubectl, ctx.evidence, ctx.helm ? (r, ns) => ctx.helm!.status(r, ns) : undefined);
  for (const line of d.summary) ctx.log.info(line);
  return d.files.length ? `; diagnostics in ${ctx.evidence.dir}/diagnostics/${err.step}/` : "";
}

/**
 * Brings the whole stack up, or converges an existing one: kind, Cilium,
 * Tetragon, Falco, the CSI driver, Vault, Postgres, Vault's configuration and
 * the app, each step logged with its elapsed time. A second run reuses the
 * cluster, skips unchanged helm releases and re-applies identical manifests.
 */
export async function up(o: UpOptions): Promise<UpResult> {
  const name = o.clusterName ?? defaultClusterName();
  const log = o.log ?? new StepLog();
  // kind resolves a relative extraMounts hostPath against its own working directory: always pass an absolute one.
  const dir = resolve(defaultStateDir(name));
  const ctx: UpContext = {
    profile: o.profile,
    clusterName: name,
    kubeContext: kindContext(name),
    stateDir: dir,
    log,
    evidence: o.evidence ?? new ArtifactWriter(`${dir}/last-up`),
    mutation: o.mutation ?? activeMutation(),
  };
  if (!o.skipPreflight) await log.step("preflight", () => requireTier("e2e"));
  try {
    await runGraph(UP_STEPS, ctx, log, o.signal);
  } catch (err) {
    // A stopped graph's caller has collected diagnostics already, into a run it may have finalized since.
    if (!(err instanceof StepFailedError) || o.signal?.aborted) throw err;
    const where = await report(ctx, err).catch((e: unknown) => `; collecting diagnostics failed: ${(e as Error).message}`);
    const why = redactor.redact((err.cause as Error)?.message ?? String(err.cause));
    throw new Error(`up failed at step ${err.step}: ${why}${where}`, { cause: err });
  }
  return {
    clusterName: name,
    kubeContext: ctx.kubeContext,
    stateDir: dir,
    created: ctx.cluster?.created ?? false,
    appIdentity: ctx.appIdentity ?? "",
    timings: log.timings,
  };
}
