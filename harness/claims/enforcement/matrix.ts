import { matrixRows, roundMs } from "../detection/matrix.ts";
import { matrixArtifactPath } from "../matrix.ts";
import type { MatrixRow } from "../registry.ts";
import { killOptions, type EnforcementEvidence } from "./judge.ts";
import { judgeKill } from "./kill.ts";
import { ID, LAYOUT } from "./layout.ts";

/**
 * The attack matrix rows of the enforcement suite, derived from the same
 * evidence the T1 judge reads: whether Tetragon's kill is proven (a SIGKILL
 * kprobe event of the policy and a process_exit with signal SIGKILL for the
 * same exec_id), the attempt's exit code, and the time from the attempt's
 * start to that exit event. The Falco cells are the detection suite's.
 */
export function enforcementMatrix(ev: EnforcementEvidence): MatrixRow[] {
  return matrixRows(ev.catalogue.attacks, ev.attempts, "enforcement", (_a, at) => {
    const k = judgeKill(at, ev.events, killOptions(ev, at));
    return {
      tetragonKilled: k.killed,
      exitCode: at.exitCode,
      timeToKillMs: k.timeToKillMs === undefined ? null : roundMs(k.timeToKillMs),
      evidence: [LAYOUT.attempts, LAYOUT.events],
    };
  });
}

export function enforcementMatrixFiles(ev: EnforcementEvidence): [string, MatrixRow][] {
  return enforcementMatrix(ev).map((r) => [matrixArtifactPath(ID, r.attack), r]);
}
