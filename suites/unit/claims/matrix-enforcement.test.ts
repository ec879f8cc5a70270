import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../../harness/attack/attempt.ts";
import { SLACK_MS, type DetectionEvidence } from "../../../harness/claims/detection/judge.ts";
import { detectionMatrixFiles } from "../../../harness/claims/detection/matrix.ts";
import { enforcementFamily, judgeEnforcement } from "../../../harness/claims/enforcement/family.ts";
import type { EnforcementEvidence } from "../../../harness/claims/enforcement/judge.ts";
import { LAYOUT } from "../../../harness/claims/enforcement/layout.ts";
import { enforcementMatrix, enforcementMatrixFiles } from "../../../harness/claims/enforcement/matrix.ts";
import { parseFalcoStream } from "../../../harness/falco/alert.ts";
import { parseTetragonStream } from "../../../harness/tetragon/event.ts";
import { readMatrix } from "../../../harness/claims/matrix.ts";
import { rejudgeFamily } from "../../../harness/report/rejudge.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { pick, priorities } from "../../support/falco-catalogue.ts";
import { POD, T0, alertLine, attempt } from "../../support/falco-samples.ts";
import { CAT_PROC, POD_STATE, POLICY, exitLine, kprobeLine, markerExec } from "../../support/tetragon-samples.ts";


const cat = attempt({ id: "enforcement/cat", phase: "enforcement", exitCode: 137, stdoutBytes: 0, stdout: "", credentialRegistered: false, barrier: "m1" });
const mem: AttemptRecord = attempt({
  id: "enforcement/proc-mem", attack: "proc-mem", phase: "enforcement", command: ["cat", "/proc/1/mem"], startMs: T0 + 2000, endMs: T0 + 2300,
  exitCode: 1, stdoutBytes: 0, stdout: "", credentialRegistered: false, barrier: "m2",
});

function tetragonLines(catExit = exitLine(T0 + 95, CAT_PROC, "SIGKILL")): string[] {
  return [kprobeLine(T0 + 90, CAT_PROC), catExit, markerExec(T0 + 900, "m1"), markerExec(T0 + 2900, "m2")];
}

function evidence(lines: string[], attempts: AttemptRecord[] = [cat, mem]): EnforcementEvidence {
  return {
    catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: [pick("cat"), pick("proc-mem"), pick("head")] },
    priorities, podBefore: POD_STATE, podAfter: POD_STATE, attempts,
    alerts: parseFalcoStream(alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 90, cmdline: "cat /mnt/secrets/db-password" })).alerts,
    drops: 0,
    events: parseTetragonStream(lines.join("\n"), POD.namespace).events,
    barriers: [{ nonce: "m1", seen: { tetragon: T0 + 900 } }, { nonce: "m2", seen: { tetragon: T0 + 2900 } }],
    probes: [], phase: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: T0 + 3000 }, slackMs: SLACK_MS,
  };
}
const rowOf = (ev: EnforcementEvidence, id: string) => enforcementMatrix(ev).find((r) => r.attack === id);

describe("enforcement matrix rows are derived from the judged attempt", () => {
  it("a proven kill: killed, exit 137, time from the attempt's start to the SIGKILL process_exit", () => {
    expect(rowOf(evidence(tetragonLines()), "cat")).toEqual({
      attack: "cat",
      method: "cat /mnt/secrets/db-password",
      mitre: ["T1552.001"],
      tetragonKilled: true,
      exitCode: 137,
      timeToKillMs: 95,
      evidence: [LAYOUT.attempts, LAYOUT.events],
    });
  });

  it("monitor mode (the kprobe says SIGKILL, the process exits normally) is not a kill", () => {
    expect(rowOf(evidence(tetragonLines(exitLine(T0 + 95, CAT_PROC))), "cat")).toMatchObject({ tetragonKilled: false, timeToKillMs: null });
  });

  it("a spared attempt keeps its own exit code and has no kill time", () => {
    expect(rowOf(evidence(tetragonLines()), "proc-mem")).toMatchObject({ tetragonKilled: false, exitCode: 1, timeToKillMs: null });
  });

  it("an entry not attempted under enforcement has only its method", () => {
    expect(rowOf(evidence(tetragonLines()), "head")).toEqual({ attack: "head", method: "head /mnt/secrets/db-password", mitre: ["T1552.001"] });
  });

  it("merges with the detection row of the same attack without a conflicting field", () => {
    const det: DetectionEvidence = {
      catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: [pick("cat")] },
      priorities, pod: POD, attempts: [attempt()], drops: 0, probes: [], slackMs: SLACK_MS,
      alerts: parseFalcoStream(alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 120, cmdline: "cat /mnt/secrets/db-password" })).alerts,
    };
    const files = Object.fromEntries([...detectionMatrixFiles(det), ...enforcementMatrixFiles(evidence(tetragonLines()))]);
    expect(readMatrix(memoryBundle(files)).find((r) => r.attack === "cat")).toMatchObject({
      falcoFired: true, timeToDetectMs: 120, tetragonKilled: true, exitCode: 137, timeToKillMs: 95,
    });
  });
});

describe("`secretproof verify` derives the enforcement rows again", () => {
  function recorded(lines: string[], rows: EnforcementEvidence) {
    const ev = evidence(lines);
    return memoryBundle({
      [LAYOUT.catalogue]: ev.catalogue,
      [LAYOUT.rules]: priorities,
      [LAYOUT.podBefore]: POD_STATE,
      [LAYOUT.podAfter]: POD_STATE,
      [LAYOUT.attempts]: [cat, mem].map((a) => JSON.stringify(a)).join("\n") + "\n",
      [LAYOUT.alerts]: alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 90, cmdline: "cat /mnt/secrets/db-password" }),
      [LAYOUT.events]: lines.join("\n"),
      [LAYOUT.barriers]: ev.barriers,
      [LAYOUT.phase]: ev.phase,
      "verdicts/enforcement.json": judgeEnforcement(ev),
      ...Object.fromEntries(enforcementMatrixFiles(rows)),
    });
  }

  it("rows written from the recorded events agree with the rows derived again", () => {
    const ev = evidence(tetragonLines());
    expect(rejudgeFamily(enforcementFamily, recorded(tetragonLines(), ev), []).mismatches).toEqual([]);
  });

  it("a row that claims a kill the recorded events do not prove is a mismatch", () => {
    const monitor = tetragonLines(exitLine(T0 + 95, CAT_PROC));
    const m = rejudgeFamily(enforcementFamily, recorded(monitor, evidence(tetragonLines())), []).mismatches;
    expect(m).toContain("matrix/enforcement/cat.json: tetragonKilled is recorded as true; the evidence derives false");
    expect(m).toContain("matrix/enforcement/cat.json: timeToKillMs is recorded as 95; the evidence derives null");
  });
});
