/** A recorded enforcement session: the attempts, markers and both streams' lines of a run, replayed at the session's boundary. */
import type { AttemptRecord } from "../../harness/attack/attempt.ts";
import type { Attack } from "../../harness/attack/catalogue.ts";
import type { BarrierRecord } from "../../harness/attack/barrier.ts";
import type { AttemptResult } from "../../harness/attack/runner.ts";
import type { EnforcementSession, EnforcementStream } from "../../harness/audit/enforcement-types.ts";
import type { AppProbe } from "../../harness/attack/app-probe.ts";
import type { ObservedPod } from "../../harness/claims/enforcement/judge.ts";
import { T0, attempt, markerLine } from "./falco-samples.ts";
import { markerExec } from "./tetragon-samples.ts";

/** One scripted attempt: its times and outcome, and the lines each stream delivers for it. */
export interface Scripted {
  startMs: number;
  exitCode: number;
  stdoutBytes: number;
  falco: string[];
  tetragon: string[];
}

export interface Replay {
  session: EnforcementSession;
  tetragon: EnforcementStream;
  ran: string[];
  closed: string[];
}

/** Replays `script` as the session would have recorded it, with a marker (both streams) after each attempt and each barrier; an attempt in another phase than "enforcement" plays `script["<phase>:<id>"]`. */
export function replaySession(pod: ObservedPod, script: Record<string, Scripted>, users: string[] | undefined, o: { markerLost?: string } = {}): Replay {
  // The app answers once per attempt, on this machine's clock (the phase's window is), with the next identity.
  const probes: AppProbe[] | undefined = users ? [] : undefined;
  const falco: string[] = [];
  const tetragonLines: string[] = [];
  const attempts: AttemptRecord[] = [];
  const barriers: BarrierRecord[] = [];
  const ran: string[] = [];
  const closed: string[] = [];
  const markAt = (ms: number): BarrierRecord => {
    const nonce = `secretproof-marker-${barriers.length}`;
    falco.push(markerLine(ms + 50, nonce));
    tetragonLines.push(markerExec(ms + 50, nonce));
    const b: BarrierRecord = { nonce, requestedMs: ms, execEndMs: ms + 40, seen: { falco: ms + 50, tetragon: ms + 50 }, offsets: {} };
    barriers.push(b);
    return b;
  };
  let clock = T0 - 1000;
  const session = {
    pod, env: { ptraceScope: "1", conditions: [] }, attempts, barriers, streams: [],
    falco: { rawLines: () => falco, stats: () => ({ lines: falco.length }) },
    traffic: { probes: () => probes ?? [] },
    probed: probes !== undefined,
    forward: { assertAlive: () => {} },
    attempt: async (a: Attack, phase = "enforcement"): Promise<AttemptResult> => {
      const key = phase === "enforcement" ? a.id : `${phase}:${a.id}`;
      ran.push(key);
      const user = users?.[ran.length - 1];
      if (user) probes?.push({ at: new Date().toISOString(), ms: Date.now(), durationMs: 20, status: 200, dbUser: user, pid: 1 });
      const s = script[key];
      if (!s) throw new Error(`no recorded attempt of ${a.id}`);
      falco.push(...s.falco);
      tetragonLines.push(...s.tetragon);
      const record = attempt({
        id: `${phase}/${a.id}`, attack: a.id, phase, pod, command: a.command, startMs: s.startMs, endMs: s.startMs + 400,
        exitCode: s.exitCode, stdoutBytes: s.stdoutBytes, stdout: "", credentialRegistered: phase !== "enforcement" && s.stdoutBytes > 0, previousBarrier: barriers.at(-1)?.nonce,
      });
      attempts.push(record);
      clock = s.startMs + 400;
      record.barrier = markAt(clock + 10).nonce;
      return { record } as AttemptResult;
    },
    attack: async (a: Attack, phase?: string) => (session as unknown as { attempt(a: Attack, p?: string): Promise<AttemptResult> }).attempt(a, phase),
    barrier: async () => {
      if (o.markerLost) throw new Error(o.markerLost);
      return markAt((clock += 100));
    },
    awaitMarkers: async () => [],
    recheck: async (records: readonly AttemptRecord[], delayMs: number, killed: () => boolean) => {
      if (!records.length || killed()) return killed();
      const b = markAt((clock = Math.max(...records.map((r) => r.endMs)) + delayMs + 10));
      for (const r of records) r.recheck = b.nonce;
      return false;
    },
    assertClock: () => {},
    resolve: (a: Attack) => a,
    close: async () => void closed.push("session"),
  } as unknown as EnforcementSession;
  const tetragon: EnforcementStream = {
    name: "tetragon",
    waitForMarker: async () => ({ timeMs: 0 }) as never,
    rawLines: () => tetragonLines,
    stats: () => ({}) as never,
    stop: async () => void closed.push("tetragon"),
  };
  return { session, tetragon, ran, closed };
}
