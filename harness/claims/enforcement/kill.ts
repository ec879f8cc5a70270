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
  /** Tetragon's time of the marker run before the attempt: only later events are the attempt's (absent when it was not delivered). */
  afterMs?: number;
  /** Tetragon's time of the marker run right after the attempt: only earlier events are the attempt's. */
  beforeMs?: number;
}

/** Whether an event time lies in the attempt's window widened by the slack, and between the markers around it where known. */
export function inKillWindow(timeMs: number, attempt: Pick<AttemptRecord, "startMs" | "endMs">, o: KillJudgeOptions): boolean {
  if (timeMs < attempt.startMs - o.slackMs || timeMs > attempt.endMs + o.slackMs) return false;
  return (o.afterMs === undefined || timeMs > o.afterMs) && (o.beforeMs === undefined || timeMs < o.beforeMs);
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
  const exits = events.filter((e): e is Extract<TetragonEvent, { kind: "exit" }> => e.kind === "exit" && e.signal === "SIGKILL");
  return events
    .filter((e): e is Extract<TetragonEvent, { kind: "kprobe" }> => e.kind === "kprobe")
    .filter((k) => inKillWindow(k.timeMs, attempt, o) && fromPodProcess(k.process, attempt.pod))
    .filter((k) => k.policyName === o.policy && k.functionName === o.hook && k.action === SIGKILL_ACTION)
    .filter((k) => (k.args[0]?.file_arg?.path ?? "").startsWith(o.pathPrefix))
    .map((kprobe) => ({ kprobe, exit: exits.find((x) => sameProcess(x.process, kprobe.process)) }));
}

/**
 * `arguments` as Tetragon renders a process's argv after argv[0] (the BPF
 * side skips argv[0]: cilium/tetragon v1.7.0 bpf/process/bpf_execve_event.c:77):
 * joined by spaces, an argument that contains a space wrapped in double
 * quotes, nothing escaped (pkg/process/args.go:46-60, ArgsDecoder).
 */
export function tetragonArguments(args: readonly string[]): string {
  let out = "";
  for (const a of args) {
    if (a.includes(" ")) out += ` "${a}"`;
    else out = out === "" ? a : `${out} ${a}`;
  }
  return out;
}

const base = (p: string) => p.slice(p.lastIndexOf("/") + 1);

/** The process runs `argv`: same executable name (Tetragon's `binary` is the execve filename, pkg/process/process.go:309) and arguments. */
function runsCommand(p: TetragonProcess | undefined, argv: readonly string[]): boolean {
  const [file, ...args] = argv;
  if (!p?.binary || file === undefined) return false;
  return base(p.binary) === base(file) && (p.arguments ?? "") === tetragonArguments(args);
}

/**
 * The kill is of the attempt's own process: the attempt's command itself, or
 * its child (`sh -c "cat …"`: the reader is cat, its parent the attempt's sh).
 * A kill in the window of anything else, such as the enforcement proof's last
 * canary read (`cat /mnt/secrets/db-username`, harness/tetragon/enforcing.ts),
 * is not the attempt's.
 */
function isAttemptKill(k: KillEvidence, command: readonly string[]): boolean {
  return runsCommand(k.kprobe.process, command) || runsCommand(k.kprobe.parent, command);
}

/** Was the attempt's reader killed by our policy? Only kills of the attempt's own process count, and time it. */
export function judgeKill(attempt: AttemptRecord, events: readonly TetragonEvent[], o: KillJudgeOptions): KillResult {
  const inWindow = killsInWindow(attempt, events, o);
  const all = inWindow.filter((k) => isAttemptKill(k, attempt.command));
  const kills = all.filter((k) => k.exit);
  const unconfirmed = all.filter((k) => !k.exit);
  const reasons: string[] = [];
  for (const k of kills) {
    reasons.push(`SIGKILL of ${describe(k.kprobe.process)} opening ${k.kprobe.args[0]?.file_arg?.path}, exit signal SIGKILL at ${k.exit?.time}`);
  }
  for (const k of unconfirmed) {
    reasons.push(`kprobe action SIGKILL for ${describe(k.kprobe.process)} but no process_exit with signal SIGKILL for exec_id ${k.kprobe.process.exec_id}`);
  }
  for (const k of inWindow.filter((x) => !all.includes(x))) {
    reasons.push(`not counted: a SIGKILL event in the window for ${describe(k.kprobe.process)}, which is not the attempt's \`${attempt.command.join(" ")}\` nor its child`);
  }
  if (!all.length) reasons.push("no SIGKILL event of the policy for this attempt's process");
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
