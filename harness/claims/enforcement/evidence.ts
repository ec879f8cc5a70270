import type { AppProbe } from "../../attack/app-probe.ts";
import type { AppPodState } from "../../attack/app-pod.ts";
import type { AttemptRecord } from "../../attack/attempt.ts";
import type { AttackSession } from "../../attack/session.ts";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import { eventDrops, parseFalcoStream } from "../../falco/alert.ts";
import type { TetragonCollector } from "../../tetragon/collector.ts";
import type { EnforcingProof, RemovalProof } from "../../tetragon/enforcing.ts";
import { parseTetragonStream } from "../../tetragon/event.ts";
import type { RunCatalogue } from "../detection/judge.ts";
import { expectedOf } from "../detection/evidence.ts";
import { jsonl, type BundleView, type RejudgeOptions } from "../registry.ts";
import { enforcementSlackMs, timeToKill, type BarrierSeen, type EnforcementEvidence, type ObservedPod, type PhaseWindow } from "./judge.ts";
import { LAYOUT } from "./layout.ts";
import { enforcementMatrixFiles } from "./matrix.ts";

/** What the evidence reads of a live attack session. */
export type RecordedSession = Pick<AttackSession, "attempts" | "barriers"> & { falco: Pick<AttackSession["falco"], "rawLines" | "stats">; traffic: Pick<AttackSession["traffic"], "probes"> };

export interface EnforcementExtras {
  catalogue: RunCatalogue;
  priorities: Record<string, string>;
  tetragon: Pick<TetragonCollector, "rawLines" | "stats">;
  /** The TracingPolicyNamespaced as applied (fixtures/tetragon/). */
  policy: string;
  podBefore: AppPodState;
  podAfter?: AppPodState;
  proof?: EnforcingProof;
  /** Proof the policy was unloaded before the read after removal. */
  removal?: RemovalProof;
  phase: PhaseWindow;
}

const lines = (xs: readonly unknown[]) => xs.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join("\n") + (xs.length ? "\n" : "");

/** Falco's alerts, and its event-drop alerts counted, from the stream's raw lines (alerts.jsonl holds both). */
function falcoOf(text: string): Pick<EnforcementEvidence, "alerts" | "drops"> {
  const stream = parseFalcoStream(text);
  return { alerts: stream.alerts, drops: eventDrops(stream.internal) };
}

/** The enforcement evidence of a live session, parsed from the raw lines exactly as a bundle would be. */
export function sessionEnforcementEvidence(s: RecordedSession, x: EnforcementExtras): EnforcementEvidence {
  return {
    catalogue: x.catalogue,
    priorities: x.priorities,
    podBefore: x.podBefore,
    podAfter: x.podAfter,
    attempts: s.attempts,
    ...falcoOf(lines(s.falco.rawLines())),
    events: parseTetragonStream(lines(x.tetragon.rawLines()), x.podBefore.namespace).events,
    barriers: s.barriers,
    probes: s.traffic.probes(),
    phase: x.phase,
    slackMs: enforcementSlackMs(s.barriers),
    removal: x.removal,
  };
}

/** Writes the enforcement evidence (layout.ts) and returns it as judged. */
export async function writeEnforcementEvidence(w: ArtifactWriter, s: RecordedSession, x: EnforcementExtras): Promise<EnforcementEvidence> {
  const ev = sessionEnforcementEvidence(s, x);
  await w.write(LAYOUT.catalogue, x.catalogue);
  await w.write(LAYOUT.rules, x.priorities);
  await w.write(LAYOUT.policy, x.policy);
  if (x.proof) await w.write(LAYOUT.policyStatus, x.proof);
  if (x.removal) await w.write(LAYOUT.policyRemoved, x.removal);
  await w.write(LAYOUT.podBefore, x.podBefore);
  if (x.podAfter) await w.write(LAYOUT.podAfter, x.podAfter);
  await w.write(LAYOUT.attempts, lines(s.attempts));
  await w.write(LAYOUT.alerts, lines(s.falco.rawLines()));
  await w.write(LAYOUT.falcoStream, s.falco.stats());
  await w.write(LAYOUT.events, lines(x.tetragon.rawLines()));
  await w.write(LAYOUT.tetragonStream, x.tetragon.stats());
  await w.write(LAYOUT.barriers, s.barriers);
  await w.write(LAYOUT.probes, lines(s.traffic.probes()));
  await w.write(LAYOUT.phase, x.phase);
  await w.write(LAYOUT.timeToKill, timeToKill(ev));
  for (const [path, row] of enforcementMatrixFiles(ev)) await w.write(path, row);
  return ev;
}

/** Reads the enforcement evidence back from a bundle (pure: the view is already loaded); the verifier's expectations replace the recorded ones when given. */
export function loadEnforcementEvidence(b: BundleView, opts?: RejudgeOptions): EnforcementEvidence {
  const podBefore = b.json<ObservedPod>(LAYOUT.podBefore);
  const barriers = b.json<BarrierSeen[]>(LAYOUT.barriers);
  return {
    ...expectedOf(b.json<RunCatalogue>(LAYOUT.catalogue), b.json<Record<string, string>>(LAYOUT.rules), opts),
    podBefore,
    podAfter: b.has(LAYOUT.podAfter) ? b.json<ObservedPod>(LAYOUT.podAfter) : undefined,
    attempts: jsonl<AttemptRecord>(b.text(LAYOUT.attempts)),
    ...falcoOf(b.text(LAYOUT.alerts)),
    events: parseTetragonStream(b.text(LAYOUT.events), podBefore.namespace).events,
    barriers,
    probes: b.has(LAYOUT.probes) ? jsonl<AppProbe>(b.text(LAYOUT.probes)) : [],
    phase: b.json<PhaseWindow>(LAYOUT.phase),
    slackMs: enforcementSlackMs(barriers),
    removal: b.has(LAYOUT.policyRemoved) ? b.json<RemovalProof>(LAYOUT.policyRemoved) : undefined,
  };
}
