import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../../harness/attack/attempt.ts";
import { SLACK_MS } from "../../../harness/claims/detection.ts";
import { ENF_FILES, judgeT1, loadEnforcementEvidence, recheckProblem, spareKills, type EnforcementEvidence } from "../../../harness/claims/enforcement.ts";
import { parseTetragonStream } from "../../../harness/tetragon/event.ts";
import { memoryBundle } from "../support/bundle.ts";
import { pick, priorities } from "../falco/catalogue-fixture.ts";
import { POD, T0, attempt } from "../falco/samples.ts";
import { POD_STATE, POLICY, exitLine, markerExec, type ProcSpec } from "../tetragon/samples.ts";

// proc-mem is spared: cat exits 1 on its own. Its barrier m2 follows at once; the re-check m3 follows the event-delay wait.
const mem: AttemptRecord = attempt({
  id: "enforcement/proc-mem", attack: "proc-mem", phase: "enforcement", command: ["cat", "/proc/1/mem"], startMs: T0 + 2000, endMs: T0 + 2300,
  exitCode: 1, stdoutBytes: 0, stdout: "", credentialRegistered: false, barrier: "m2", recheck: "m3",
});
const MEM_PROC: ProcSpec = { execId: "bWVtLTE=", pid: 48300, binary: "/usr/bin/cat", args: "/proc/1/mem", startMs: T0 + 2080 };
const WAIT = 10_000;

function evidence(over: Partial<EnforcementEvidence> = {}, lines: string[] = []): EnforcementEvidence {
  return {
    catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: [pick("proc-mem")] },
    priorities, podBefore: POD_STATE, podAfter: POD_STATE, attempts: [mem], alerts: [],
    events: parseTetragonStream([markerExec(T0 + 2400, "m2"), markerExec(T0 + 12_400, "m3"), ...lines].join("\n"), POD.namespace).events,
    barriers: [
      { nonce: "m2", requestedMs: T0 + 2350, execEndMs: T0 + 2450, seen: { tetragon: T0 + 2400 } },
      { nonce: "m3", requestedMs: T0 + 12_350, execEndMs: T0 + 12_450, seen: { tetragon: T0 + 12_400 } },
    ],
    probes: [], phase: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: T0 + 12_500, recheckAfterMs: WAIT }, slackMs: SLACK_MS,
    ...over,
  };
}

describe("T1 for a spared attempt: a Tetragon marker is no proof that no SIGKILL will still arrive", () => {
  it("passes once the re-check ran after the event-delay wait with no kill", () => {
    const v = judgeT1(pick("proc-mem"), mem, evidence());
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
    expect(v.reasons).toContain(`spared, as declared: no SIGKILL event up to the re-check ${WAIT} ms after the attempt`);
  });

  it("is inconclusive without the re-check, or with one run before the wait had passed", () => {
    const none = { ...mem, recheck: undefined };
    expect(judgeT1(pick("proc-mem"), none, evidence({ attempts: [none] })).verdict).toBe("inconclusive");
    expect(recheckProblem(evidence(), none)).toMatch(/^no re-check barrier after the 10000 ms event-delay wait/);
    const early = evidence({ barriers: [...evidence().barriers.slice(0, 1), { nonce: "m3", requestedMs: T0 + 5000, execEndMs: T0 + 5100, seen: { tetragon: T0 + 5050 } }] });
    expect(judgeT1(pick("proc-mem"), mem, early).verdict).toBe("inconclusive");
    expect(recheckProblem(early, mem)).toBe(`the re-check barrier ran 2700 ms after the attempt, before the ${WAIT} ms event-delay wait had passed`);
  });

  it("fails when a SIGKILL of the attempt's process arrived late, after its own barrier", () => {
    // Delivered after m2 (out of order), but its own time is inside the attempt's window.
    const ev = evidence({}, [exitLine(T0 + 2200, MEM_PROC, "SIGKILL")]);
    expect(spareKills(mem, ev)).toBe(1);
    expect(judgeT1(pick("proc-mem"), mem, ev).verdict).toBe("fail");
  });

  it("judges bundles recorded before the re-check on the barrier alone, as they were", () => {
    const old = evidence({ phase: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: T0 + 3000 } });
    expect(recheckProblem(old, { ...mem, recheck: undefined })).toBeUndefined();
    expect(judgeT1(pick("proc-mem"), { ...mem, recheck: undefined }, old).verdict).toBe("pass");
  });

  it("reads the slack back from the recorded markers", () => {
    const ev = evidence({ barriers: [{ nonce: "m2", requestedMs: T0 + 2320, execEndMs: T0 + 2420, seen: { tetragon: T0 + 2400 } }] });
    const b = memoryBundle({
      [ENF_FILES.catalogue]: ev.catalogue, [ENF_FILES.rules]: priorities, [ENF_FILES.podBefore]: ev.podBefore,
      [ENF_FILES.attempts]: `${JSON.stringify(mem)}\n`, [ENF_FILES.alerts]: "", [ENF_FILES.events]: "",
      [ENF_FILES.barriers]: ev.barriers, [ENF_FILES.phase]: ev.phase,
    });
    // The marker's event came 80 ms after its exec started and 20 ms before it returned: |offset| <= 80.
    expect(loadEnforcementEvidence(b).slackMs).toBe(80);
  });
});
