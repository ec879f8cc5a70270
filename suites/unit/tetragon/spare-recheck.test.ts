import { toMs } from "../../../clusters/duration.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../../harness/attack/attempt.ts";
import { SLACK_MS } from "../../../harness/claims/detection/judge.ts";
import { loadEnforcementEvidence } from "../../../harness/claims/enforcement/evidence.ts";
import { judgeT1, recheckProblem, spareKills, type EnforcementEvidence } from "../../../harness/claims/enforcement/judge.ts";
import { LAYOUT } from "../../../harness/claims/enforcement/layout.ts";
import { TETRAGON_EVENT_CACHE_MAX_DELAY_MS } from "../../../harness/tetragon/event-cache.ts";
import { parseTetragonStream } from "../../../harness/tetragon/event.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { pick, priorities } from "../../support/falco-catalogue.ts";
import { POD, T0, attempt } from "../../support/falco-samples.ts";
import { POD_STATE, POLICY, exitLine, kprobeLine, markerExec, type ProcSpec } from "../../support/tetragon-samples.ts";

// proc-mem and tamper-write are spared: each exits on its own. Each has its own barrier right after it (m2, m4);
// one re-check barrier m3 follows the event-delay wait after the last of them.
const mem: AttemptRecord = attempt({
  id: "enforcement/proc-mem", attack: "proc-mem", phase: "enforcement", command: ["cat", "/proc/1/mem"], startMs: T0 + 2000, endMs: T0 + 2300,
  exitCode: 1, stdoutBytes: 0, stdout: "", credentialRegistered: false, barrier: "m2", recheck: "m3",
});
const tamper: AttemptRecord = attempt({
  id: "enforcement/tamper-write", attack: "tamper-write", phase: "enforcement", command: ["sh", "-c", "echo tampered > /mnt/secrets/db-password"],
  startMs: T0 + 4000, endMs: T0 + 4200, exitCode: 2, stdoutBytes: 0, stdout: "", credentialRegistered: false, barrier: "m4", recheck: "m3",
});
const MEM_PROC: ProcSpec = { execId: "bWVtLTE=", pid: 48300, binary: "/usr/bin/cat", args: "/proc/1/mem", startMs: T0 + 2080 };
/** The ci profile's waits.tetragonEventDelay. */
const WAIT = toMs(PROFILES.ci.waits.tetragonEventDelay);
const RECHECK_MS = T0 + 4200 + WAIT + 50;

function evidence(over: Partial<EnforcementEvidence> = {}, lines: string[] = []): EnforcementEvidence {
  return {
    catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: [pick("proc-mem"), pick("tamper-write")] },
    priorities, podBefore: POD_STATE, podAfter: POD_STATE, attempts: [mem, tamper], alerts: [], drops: 0,
    events: parseTetragonStream([markerExec(T0 + 2400, "m2"), markerExec(T0 + 4300, "m4"), markerExec(RECHECK_MS + 50, "m3"), ...lines].join("\n"), POD.namespace).events,
    barriers: [
      { nonce: "m2", requestedMs: T0 + 2350, execEndMs: T0 + 2450, seen: { tetragon: T0 + 2400 } },
      { nonce: "m4", requestedMs: T0 + 4250, execEndMs: T0 + 4350, seen: { tetragon: T0 + 4300 } },
      { nonce: "m3", requestedMs: RECHECK_MS, execEndMs: RECHECK_MS + 100, seen: { tetragon: RECHECK_MS + 50 } },
    ],
    probes: [], phase: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: RECHECK_MS + 200, recheckAfterMs: WAIT }, slackMs: SLACK_MS,
    ...over,
  };
}

describe("T1 for a spared attempt: a Tetragon marker is no proof that no SIGKILL will still arrive", () => {
  it("passes once the re-check ran after the event-delay wait with no kill", () => {
    const v = judgeT1(pick("proc-mem"), mem, evidence());
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
    expect(v.reasons).toContain(`spared, as declared: no SIGKILL event up to the re-check ${WAIT} ms after the attempt`);
  });

  it("takes one re-check barrier after the last spared attempt for every spared attempt", () => {
    for (const [id, at] of [["proc-mem", mem], ["tamper-write", tamper]] as const) {
      const v = judgeT1(pick(id), at, evidence());
      expect(v.verdict, `${id}: ${v.reasons.join("\n")}`).toBe("pass");
    }
  });

  it("is inconclusive without the re-check, or with one run before the wait had passed", () => {
    const none = { ...mem, recheck: undefined };
    expect(judgeT1(pick("proc-mem"), none, evidence({ attempts: [none, tamper] })).verdict).toBe("inconclusive");
    expect(recheckProblem(evidence(), none)).toMatch(/^no re-check barrier after the 35000 ms event-delay wait/);
    // The shared barrier followed proc-mem by the wait, but not tamper-write, which ended 1.9 s later.
    const b = evidence().barriers.map((x) => (x.nonce === "m3" ? { ...x, requestedMs: T0 + 2300 + WAIT + 10 } : x));
    expect(recheckProblem(evidence({ barriers: b }), mem)).toBeUndefined();
    expect(judgeT1(pick("tamper-write"), tamper, evidence({ barriers: b })).verdict).toBe("inconclusive");
    expect(recheckProblem(evidence({ barriers: b }), tamper)).toBe(`the re-check barrier ran ${WAIT - 1890} ms after the attempt, before the ${WAIT} ms event-delay wait had passed`);
  });

  it("takes the attempt's own barrier when the node clock runs behind by less than the slack, and not beyond it", () => {
    // m2's exec event stamped before the attempt's end by this machine's clock: the node clock is behind.
    const at = (ms: number) => evidence({ barriers: evidence().barriers.map((b) => (b.nonce === "m2" ? { ...b, seen: { tetragon: ms } } : b)) });
    expect(judgeT1(pick("proc-mem"), mem, at(T0 + 2300 - SLACK_MS / 2)).verdict).toBe("pass");
    const v = judgeT1(pick("proc-mem"), mem, at(T0 + 2300 - SLACK_MS - 1));
    expect(v.verdict).toBe("inconclusive");
    expect(v.reasons).toContain("no Tetragon barrier after the attempt: absence of a kill is not proven");
  });

  it("is inconclusive when the re-check waited less than Tetragon's event cache may hold an event", () => {
    const short = evidence({ phase: { ...evidence().phase, recheckAfterMs: 10_000 } });
    expect(TETRAGON_EVENT_CACHE_MAX_DELAY_MS).toBe(30_000);
    expect(judgeT1(pick("proc-mem"), mem, short).verdict).toBe("inconclusive");
    expect(recheckProblem(short, mem)).toBe("the re-check waited 10000 ms after the attempt, but Tetragon's event cache may hold a SIGKILL event back 30000 ms (15 retries × 2 s)");
  });

  it("fails when a SIGKILL of the attempt's process arrived late, after its own barrier", () => {
    // Delivered after m2 (out of order), but its own time is inside the attempt's window.
    const lines = [markerExec(T0 + 2400, "m2"), exitLine(T0 + 2200, MEM_PROC, "SIGKILL"), markerExec(T0 + 4300, "m4"), markerExec(RECHECK_MS + 50, "m3")];
    const ev = evidence({ events: parseTetragonStream(lines.join("\n"), POD.namespace).events });
    expect(spareKills(mem, ev)).toBe(1);
    expect(judgeT1(pick("proc-mem"), mem, ev).verdict).toBe("fail");
  });

  it("under an audit's own policy, a kill of a spared entry is stated inconclusive (a stricter policy), and a fail in the suites' bundle", () => {
    const killed = { ...mem, exitCode: 137 };
    const lines = [kprobeLine(T0 + 2100, MEM_PROC, { path: "/mnt/secrets/db-password" }), exitLine(T0 + 2200, MEM_PROC, "SIGKILL")];
    const ev = evidence({ attempts: [killed, tamper] }, lines);
    expect(judgeT1(pick("proc-mem"), killed, ev).verdict).toBe("fail");
    const audit = { ...ev, phase: { ...ev.phase, auditorsPolicy: true } };
    const v = judgeT1(pick("proc-mem"), killed, audit);
    expect(v.verdict, v.reasons.join("\n")).toBe("inconclusive");
    expect(v.reasons).toContain("the applied policy is stricter than the project's: it killed proc-mem, which the catalogue expects spared");
    expect(judgeT1(pick("tamper-write"), tamper, audit).verdict).toBe("pass");
  });

  it("fails when the late SIGKILL arrived only after the re-check wait, behind the re-check marker", () => {
    const ev = evidence({}, [exitLine(T0 + 2200, MEM_PROC, "SIGKILL")]);
    expect(recheckProblem(ev, mem)).toBeUndefined();
    const v = judgeT1(pick("proc-mem"), mem, ev);
    expect(v.verdict).toBe("fail");
    expect(v.reasons).toContain("the catalogue says Tetragon spares this attempt, but a SIGKILL was recorded");
    expect(judgeT1(pick("tamper-write"), tamper, ev).verdict).toBe("pass");
  });

  it("does not count for a spared attempt the kill of the next attempt after its own marker, though the slack reaches it", () => {
    // The first killed attempt starts as soon as tamper-write's marker exec (m4 at +4300) returns; its kill lands 150 ms after tamper-write's end.
    const next: ProcSpec = { execId: "bmV4dC0x", pid: 48400, binary: "/usr/bin/cat", args: "/mnt/secrets/db-password", startMs: T0 + 4330 };
    const lines = [kprobeLine(T0 + 4350, next), exitLine(T0 + 4352, next, "SIGKILL")];
    const wide = evidence({ slackMs: 300 }, lines);
    expect(spareKills(tamper, wide)).toBe(0);
    expect(judgeT1(pick("tamper-write"), tamper, wide).verdict).toBe("pass");
    const unbounded = evidence({ slackMs: 300, barriers: wide.barriers.filter((b) => b.nonce !== "m4") }, lines);
    expect(spareKills(tamper, unbounded), "without its own marker the slack alone decides").toBe(2);
  });

  it("counts a late-delivered kill by its own time: before the attempt's marker, it is the attempt's", () => {
    const lines = [exitLine(T0 + 4250, { ...MEM_PROC, startMs: T0 + 4050 }, "SIGKILL")];
    expect(spareKills(tamper, evidence({ slackMs: 300 }, lines))).toBe(1);
  });

  it("judges bundles recorded before the re-check on the barrier alone, as they were", () => {
    const old = evidence({ phase: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: T0 + 3000 } });
    expect(recheckProblem(old, { ...mem, recheck: undefined })).toBeUndefined();
    expect(judgeT1(pick("proc-mem"), { ...mem, recheck: undefined }, old).verdict).toBe("pass");
  });

  it("reads the slack back from the recorded markers", () => {
    const ev = evidence({ barriers: [{ nonce: "m2", requestedMs: T0 + 2320, execEndMs: T0 + 2420, seen: { tetragon: T0 + 2400 } }] });
    const b = memoryBundle({
      [LAYOUT.catalogue]: ev.catalogue, [LAYOUT.rules]: priorities, [LAYOUT.podBefore]: ev.podBefore,
      [LAYOUT.attempts]: `${JSON.stringify(mem)}\n`, [LAYOUT.alerts]: "", [LAYOUT.events]: "",
      [LAYOUT.barriers]: ev.barriers, [LAYOUT.phase]: ev.phase,
    });
    // The marker's event came 80 ms after its exec started and 20 ms before it returned: |offset| <= 80.
    expect(loadEnforcementEvidence(b).slackMs).toBe(80);
  });
});
