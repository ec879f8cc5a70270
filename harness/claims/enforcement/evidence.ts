import type { AppPodState } from "../../attack/app-pod.ts";
import type { AttackSession } from "../../attack/session.ts";
import type { RunCatalogue } from "../detection/judge.ts";
import { enforcementMatrixFiles } from "./matrix.ts";
import { ENF_FILES, enforcementSlackMs, killOptions, type EnforcementEvidence, type PhaseWindow } from "./judge.ts";
import { judgeKill } from "./kill.ts";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import { parseFalcoStream } from "../../falco/alert.ts";
import type { TetragonCollector } from "../../tetragon/collector.ts";
import type { EnforcingProof } from "../../tetragon/enforcing.ts";
import { parseTetragonStream } from "../../tetragon/event.ts";
import { policyText } from "../../tetragon/policy.ts";

export interface EnforcementExtras {
  catalogue: RunCatalogue;
  priorities: Record<string, string>;
  tetragon: TetragonCollector;
  podBefore: AppPodState;
  podAfter?: AppPodState;
  proof?: EnforcingProof;
  phase: PhaseWindow;
}

const lines = (xs: readonly unknown[]) => xs.map((x) => (typeof x === "string" ? x : JSON.stringify(x))).join("\n") + (xs.length ? "\n" : "");

/** The enforcement evidence of a live session, parsed from the raw lines exactly as a bundle would be. */
export function sessionEnforcementEvidence(s: AttackSession, x: EnforcementExtras): EnforcementEvidence {
  return {
    catalogue: x.catalogue,
    priorities: x.priorities,
    podBefore: x.podBefore,
    podAfter: x.podAfter,
    attempts: s.attempts,
    alerts: parseFalcoStream(lines(s.falco.rawLines())).alerts,
    events: parseTetragonStream(lines(x.tetragon.rawLines()), x.podBefore.namespace).events,
    barriers: s.barriers,
    probes: s.traffic.probes(),
    phase: x.phase,
    slackMs: enforcementSlackMs(s.barriers),
  };
}

/** Per killed method: harness round trip, and kill timing from Tetragon's events. */
export function timeToKill(ev: EnforcementEvidence): object[] {
  return ev.attempts
    .filter((a) => a.phase === "enforcement")
    .map((a) => {
      const k = judgeKill(a, ev.events, killOptions(ev));
      return { attack: a.attack, exitCode: a.exitCode, attemptMs: a.endMs - a.startMs, killed: k.killed, startToExitMs: k.timeToKillMs, execToDeathMs: k.execToDeathMs };
    });
}

/** Writes the enforcement evidence (layout in harness/claims/enforcement/judge.ts) and returns it as judged. */
export async function writeEnforcementEvidence(w: ArtifactWriter, s: AttackSession, x: EnforcementExtras): Promise<EnforcementEvidence> {
  const ev = sessionEnforcementEvidence(s, x);
  await w.write(ENF_FILES.catalogue, x.catalogue);
  await w.write(ENF_FILES.rules, x.priorities);
  await w.write(ENF_FILES.policy, policyText());
  if (x.proof) await w.write(ENF_FILES.policyStatus, x.proof);
  await w.write(ENF_FILES.podBefore, x.podBefore);
  if (x.podAfter) await w.write(ENF_FILES.podAfter, x.podAfter);
  await w.write(ENF_FILES.attempts, lines(s.attempts));
  await w.write(ENF_FILES.alerts, lines(s.falco.rawLines()));
  await w.write(ENF_FILES.falcoStream, s.falco.stats());
  await w.write(ENF_FILES.events, lines(x.tetragon.rawLines()));
  await w.write(ENF_FILES.tetragonStream, x.tetragon.stats());
  await w.write(ENF_FILES.barriers, s.barriers);
  await w.write(ENF_FILES.probes, lines(s.traffic.probes()));
  await w.write(ENF_FILES.phase, x.phase);
  await w.write(ENF_FILES.timeToKill, timeToKill(ev));
  for (const [path, row] of enforcementMatrixFiles(ev)) await w.write(path, row);
  return ev;
}
