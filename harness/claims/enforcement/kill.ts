import type { AttemptRecord } from "../../attack/attempt.ts";
import { fromPodProcess, type TetragonEvent, type TetragonProcess } from "../../tetragon/event.ts";

/**
 * The Tetragon judge: pure. A kill is proven by a process_exit with signal
 * SIGKILL for the same process (exec_id) as a SIGKILL kprobe event of our
 * policy, never by the kprobe's action alone: in monitor mode Tetragon still
 * reports KPROBE_ACTION_SIGKILL although nothing was killed.
 */
const SIGKILL_ACTION = "KPROBE_ACTION_SIGKILL";

export interface KillJudgeOptions {
  policy: string;
  hook: string;
  pathPrefix: string;
  slackMs: number;
}

export interface KillEvidence {
  kprobe: Extract<TetragonEvent, { kind: "kprobe" }>;
  exit?: Extract<TetragonEvent, { kind: "exit" }>;
}

export interface KillResult {
  killed: boolean;
  kills: KillEvidence[];
  /** Kprobe events of ours in the window without a matching SIGKILL exit. */
  unconfirmed: KillEvidence[];
  /** Exit event time minus attempt start (harness clock vs node clock; same host on kind). */
  timeToKillMs?: number;
  /** Exit event time minus the process's start_time (both kernel clock). */
  execToDeathMs?: number;
  reasons: string[];
}

function sameProcess(a: TetragonProcess, b: TetragonProcess): boolean {
  if (a.exec_id && b.exec_id) return a.exec_id === b.exec_id;
  return a.pid !== undefined && a.pid === b.pid && a.start_time !== undefined && a.start_time === b.start_time;
}

function describe(p: TetragonProcess): string {
  return `${p.binary ?? "?"}${p.arguments ? ` ${p.arguments}` : ""} (pid ${p.pid ?? "?"}, container pid ${p.pod?.container?.pid ?? "?"})`;
}

/** Our policy's SIGKILL kprobe events for the pod inside the attempt's window, each with its process_exit if any. */
export function killsInWindow(attempt: AttemptRecord, events: readonly TetragonEvent[], o: KillJudgeOptions): KillEvidence[] {
  const lo = attempt.startMs - o.slackMs;
  const hi = attempt.endMs + o.slackMs;
  const exits = events.filter((e): e is Extract<TetragonEvent, { kind: "exit" }> => e.kind === "exit" && e.signal === "SIGKILL");
  return events
    .filter((e): e is Extract<TetragonEvent, { kind: "kprobe" }> => e.kind === "kprobe")
    .filter((k) => k.timeMs >= lo && k.timeMs <= hi && fromPodProcess(k.process, attempt.pod))
    .filter((k) => k.policyName === o.policy && k.functionName === o.hook && k.action === SIGKILL_ACTION)
    .filter((k) => (k.args[0]?.file_arg?.path ?? "").startsWith(o.pathPrefix))
    .map((kprobe) => ({ kprobe, exit: exits.find((x) => sameProcess(x.process, kprobe.process)) }));
}

/** Was the attempt's reader killed by our policy? */
export function judgeKill(attempt: AttemptRecord, events: readonly TetragonEvent[], o: KillJudgeOptions): KillResult {
  const all = killsInWindow(attempt, events, o);
  const kills = all.filter((k) => k.exit);
  const unconfirmed = all.filter((k) => !k.exit);
  const reasons: string[] = [];
  for (const k of kills) {
    reasons.push(`SIGKILL of ${describe(k.kprobe.process)} opening ${k.kprobe.args[0]?.file_arg?.path}, exit signal SIGKILL at ${k.exit?.time}`);
  }
  for (const k of unconfirmed) {
    reasons.push(`kprobe action SIGKILL for ${describe(k.kprobe.process)} but no process_exit with signal SIGKILL for exec_id ${k.kprobe.process.exec_id}`);
  }
  if (!all.length) reasons.push("no SIGKILL event of the policy for this attempt");
  const first = kills[0];
  const exitMs = first?.exit?.timeMs;
  const started = first?.kprobe.process.start_time ? Date.parse(first.kprobe.process.start_time) : undefined;
  return {
    killed: kills.length > 0,
    kills,
    unconfirmed,
    timeToKillMs: exitMs !== undefined ? exitMs - attempt.startMs : undefined,
    execToDeathMs: exitMs !== undefined && started !== undefined ? exitMs - started : undefined,
    reasons,
  };
}
