import { markerFollows } from "../../attack/marker-order.ts";
import type { AttemptRecord } from "../../attack/attempt.ts";
import type { Attack } from "../../attack/catalogue.ts";
import { describeCommand } from "../../core/command-line.ts";
import { MARKER_RULE, fromPod } from "../../falco/alert.ts";
import { matrixArtifactPath } from "../matrix.ts";
import type { MatrixRow } from "../registry.ts";
import { barrierTime, inAttemptWindow, judgeFalcoAttempt } from "./alerts.ts";
import type { DetectionEvidence } from "./judge.ts";
import { ID, LAYOUT } from "./layout.ts";

/*
 * The attack matrix rows of the detection suite, derived from the same
 * evidence the F1/F2 judge reads: no field is filled by hand, so `secretproof
 * verify` can derive them again from the bundle and compare.
 */

/** The read method as a person would type it. */
function methodOf(a: Pick<Attack, "command" | "tty">): string {
  const cmd = describeCommand(a.command[0] as string, a.command.slice(1));
  return a.tty ? `${cmd} (on a TTY)` : cmd;
}

/** Milliseconds rounded to the microsecond: the node clock's precision that still means something here. */
export function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

type FalcoInput = Pick<DetectionEvidence, "alerts" | "drops" | "priorities" | "slackMs">;

/** The attempt's own marker time when it follows the attempt (the window's upper bound: inAttemptWindow). */
function ownMarker(ev: FalcoInput, at: AttemptRecord): number | undefined {
  const t = barrierTime(ev.alerts, at.barrier, at.pod);
  return markerFollows(t, at.endMs, ev.slackMs) ? t : undefined;
}

/**
 * The Falco half of a row: the rules the entry expects, whether they fired in
 * the attempt's window (every expected alert; for an entry that expects none,
 * any alert of ours from the pod), and the time from the attempt's start to
 * the first matching alert's evt.time (`time`).
 */
function falcoCells(a: Attack, at: AttemptRecord, ev: FalcoInput): Pick<MatrixRow, "falcoRule" | "falcoFired" | "timeToDetectMs"> {
  const opts = { slackMs: ev.slackMs, priorities: ev.priorities, drops: ev.drops };
  const f = judgeFalcoAttempt(at, a.falco, ev.alerts, barrierTime(ev.alerts, at.barrier, at.pod), opts);
  const rules = [...new Set(a.falco.fires.map((x) => x.rule))];
  const fired = a.falco.fires.length
    ? f.matched.length === a.falco.fires.length
    : ev.alerts.some((x) => x.rule !== MARKER_RULE && fromPod(x, at.pod) && inAttemptWindow(x, at, ev.slackMs, barrierTime(ev.alerts, at.previousBarrier, at.pod), ownMarker(ev, at)));
  const first = f.matched.length ? Math.min(...f.matched.map((x) => x.timeMs)) : undefined;
  return {
    falcoRule: rules.length ? rules.join(" + ") : null,
    falcoFired: fired,
    timeToDetectMs: first === undefined ? null : roundMs(first - at.startMs),
  };
}

/**
 * One row per catalogue entry, in catalogue order, from the entry's attempt
 * in `phase`; an entry that was not attempted has only its method.
 */
export function matrixRows(
  attacks: readonly Attack[],
  attempts: readonly AttemptRecord[],
  phase: string,
  cells: (a: Attack, at: AttemptRecord) => Omit<MatrixRow, "attack" | "method">,
): MatrixRow[] {
  const byAttack = new Map(attempts.filter((x) => x.phase === phase).map((x) => [x.attack, x]));
  return attacks.map((a) => {
    const at = byAttack.get(a.id);
    const row: MatrixRow = { attack: a.id, method: methodOf(a), ...(a.mitre?.length ? { mitre: a.mitre } : {}) };
    return at ? { ...row, ...cells(a, at) } : row;
  });
}

export function detectionMatrix(ev: DetectionEvidence): MatrixRow[] {
  return matrixRows(ev.catalogue.attacks, ev.attempts, "detection", (a, at) => ({ ...falcoCells(a, at, ev), evidence: [LAYOUT.attempts, LAYOUT.alerts] }));
}

/** The bundle path each row is written to. */
export function detectionMatrixFiles(ev: DetectionEvidence): [string, MatrixRow][] {
  return detectionMatrix(ev).map((r) => [matrixArtifactPath(ID, r.attack), r]);
}
