import { byTime } from "./login.ts";
import type { AppSample, PodSample } from "./types.ts";
import { verdict, worst, type Verdict, type VerdictValue } from "../verdict.ts";

/** A Vault dynamic database user: `v-<display>-<role>-<random>-<unix>`. */
const DYNAMIC_IDENTITY = /^v-[A-Za-z0-9_-]+$/;

export interface ServingJudgement {
  verdict: VerdictValue;
  reasons: string[];
  /** Distinct identities in the order the app first reported them. */
  identities: string[];
}

const LIST_MAX = 5;

function listSamples(samples: AppSample[], what: (s: AppSample) => string): string {
  const shown = samples.slice(0, LIST_MAX).map((s) => `${s.at} ${what(s)}`);
  return samples.length > LIST_MAX ? `${shown.join("; ")}; … ${samples.length - LIST_MAX} more` : shown.join("; ");
}

function judgeResponses(samples: AppSample[]): { value: VerdictValue; reasons: string[] } {
  if (samples.length === 0) return { value: "inconclusive", reasons: ["no app samples were taken"] };
  const bad = samples.filter((s) => s.status !== 200);
  const anonymous = samples.filter((s) => s.status === 200 && !(s.identity && DYNAMIC_IDENTITY.test(s.identity)));
  const reasons: string[] = [];
  if (bad.length > 0) {
    reasons.push(`${bad.length} of ${samples.length} responses were not 200: ${listSamples(bad, (s) => `${s.status}${s.error ? ` (${s.error})` : ""}`)}`);
  }
  if (anonymous.length > 0) {
    reasons.push(`${anonymous.length} responses carried no Vault dynamic identity: ${listSamples(anonymous, (s) => JSON.stringify(s.identity ?? null))}`);
  }
  if (reasons.length > 0) return { value: "fail", reasons };
  return { value: "pass", reasons: [`all ${samples.length} responses were 200 with a dynamic identity`] };
}

/** The pod samples must bracket the app samples, and the pod must be the same, unrestarted, throughout. */
function judgePod(pods: PodSample[], first: AppSample | undefined, last: AppSample | undefined): { value: VerdictValue; reasons: string[] } {
  const p0 = pods[0];
  const pn = pods[pods.length - 1];
  if (!p0 || !pn || pods.length < 2) return { value: "inconclusive", reasons: [`${pods.length} pod samples; need one before and one after the app samples`] };
  if (first && last && (Date.parse(p0.at) > Date.parse(first.at) || Date.parse(pn.at) < Date.parse(last.at))) {
    return { value: "inconclusive", reasons: [`pod samples (${p0.at} … ${pn.at}) do not bracket the app samples (${first.at} … ${last.at})`] };
  }
  const uids = [...new Set(pods.map((p) => p.uid))];
  const restarts = [...new Set(pods.map((p) => p.restartCount))];
  const reasons: string[] = [];
  if (uids.length > 1) reasons.push(`the pod was replaced: UIDs ${uids.join(" → ")}`);
  if (restarts.length > 1) reasons.push(`the container restarted: restartCount ${restarts.join(" → ")}`);
  if (reasons.length > 0) return { value: "fail", reasons };
  return { value: "pass", reasons: [`pod ${p0.name} (UID ${p0.uid}) kept restartCount ${p0.restartCount} across ${pods.length} samples`] };
}

/**
 * Identities in first-seen order, and the samples that reported an older
 * identity after a newer one had appeared. A request in flight while the
 * files rotate can do that harmlessly; it is reported, not counted again.
 */
export function identitySequence(samples: readonly AppSample[]): { identities: string[]; late: AppSample[] } {
  const identities: string[] = [];
  const late: AppSample[] = [];
  for (const s of samples) {
    if (s.status !== 200 || !s.identity) continue;
    const i = identities.indexOf(s.identity);
    if (i < 0) identities.push(s.identity);
    else if (i < identities.length - 1) late.push(s);
  }
  return { identities, late };
}

/**
 * Whether the app served throughout: every response 200 with a dynamic
 * identity, and the pod neither replaced nor restarted while it was watched.
 * Shared by D2 (rotation) and T2 (the app unharmed by the attacks).
 */
export function judgeServing(samples: readonly AppSample[], podSamples: readonly PodSample[]): ServingJudgement {
  const app = byTime(samples);
  const pods = byTime(podSamples);
  const r = judgeResponses(app);
  const p = judgePod(pods, app[0], app[app.length - 1]);
  const { identities, late } = identitySequence(app);
  const reasons = [...r.reasons, ...p.reasons];
  if (late.length > 0) {
    reasons.push(`${late.length} responses reported an earlier identity after a newer one appeared (a request in flight during a rotation): ${listSamples(late, (s) => s.identity ?? "")}`);
  }
  return { verdict: worst([r.value, p.value]), reasons, identities };
}

/** D2: while served without interruption, the app reported at least two identities. */
export function judgeD2(samples: readonly AppSample[], podSamples: readonly PodSample[], evidence: string[]): Verdict {
  const s = judgeServing(samples, podSamples);
  const n = s.identities.length;
  const rotation = `${n} distinct identities: ${s.identities.join(" → ") || "none"}`;
  if (s.verdict === "fail") return verdict("D2", false, [...s.reasons, rotation], evidence);
  if (n < 2) {
    const nothing = s.verdict === "inconclusive" && n === 0;
    return verdict("D2", nothing ? "inconclusive" : false, [...s.reasons, `no rotation observed: ${rotation}`], evidence);
  }
  return verdict("D2", s.verdict === "pass" ? true : "inconclusive", [...s.reasons, rotation], evidence);
}
