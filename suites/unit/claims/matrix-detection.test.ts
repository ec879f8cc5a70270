import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../../harness/attack/attempt.ts";
import { detectionFamily } from "../../../harness/claims/detection/family.ts";
import { SLACK_MS, judgeDetection, type DetectionEvidence } from "../../../harness/claims/detection/judge.ts";
import { LAYOUT } from "../../../harness/claims/detection/layout.ts";
import { detectionMatrix, detectionMatrixFiles } from "../../../harness/claims/detection/matrix.ts";
import { parseFalcoStream } from "../../../harness/falco/alert.ts";
import { matrixMismatches, readMatrix } from "../../../harness/claims/matrix.ts";
import { rejudgeFamily } from "../../../harness/report/rejudge.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { pick, priorities } from "../../support/falco-catalogue.ts";
import { POD, T0, alertLine, attempt, markerLine } from "../../support/falco-samples.ts";

const READ = "SecretProof - Secret File Read";
const EXFIL = "SecretProof - Exfiltration Tool Spawned";
const PY = "python3 -c print(open('/mnt/secrets/db-password').read())";

const cat = attempt({ barrier: "m1" });
const py: AttemptRecord = attempt({
  id: "detection/python3-c", attack: "python3-c", command: pick("python3-c").command, startMs: T0 + 2000, endMs: T0 + 2500, barrier: "m2",
});
const baseLines = [
  alertLine({ rule: READ, ms: T0 + 140, cmdline: "cat /mnt/secrets/db-password" }),
  markerLine(T0 + 900, "m1"),
  alertLine({ rule: READ, ms: T0 + 2210, cmdline: PY, proc: "python3" }),
  markerLine(T0 + 2900, "m2"),
];

function evidence(lines: string[], attempts: AttemptRecord[] = [cat, py]): DetectionEvidence {
  const stream = parseFalcoStream(lines.join("\n"));
  return {
    catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: [pick("cat"), pick("python3-c"), pick("proc-mem")] },
    priorities, pod: POD, attempts, alerts: stream.alerts, drops: 0, probes: [], slackMs: SLACK_MS,
  };
}
const rowOf = (ev: DetectionEvidence, id: string) => detectionMatrix(ev).find((r) => r.attack === id);

describe("detection matrix rows are derived from the judged attempt", () => {
  it("a read Falco alerted on: fired, with the time from the attempt's start to the alert's time", () => {
    expect(rowOf(evidence(baseLines), "cat")).toEqual({
      attack: "cat",
      method: "cat /mnt/secrets/db-password",
      mitre: ["T1552.001"],
      falcoRule: READ,
      falcoFired: true,
      timeToDetectMs: 140,
      evidence: [LAYOUT.attempts, LAYOUT.alerts],
    });
  });

  it("an entry that expects two alerts and got one is not marked as fired", () => {
    const row = rowOf(evidence(baseLines), "python3-c");
    expect(row?.falcoRule).toBe(`${READ} + ${EXFIL}`);
    expect(row?.falcoFired).toBe(false);
    expect(row?.timeToDetectMs).toBe(210);
    const both = [...baseLines, alertLine({ rule: EXFIL, ms: T0 + 2050, cmdline: PY, proc: "python3", file: null, tag: "EXFIL" })];
    expect(rowOf(evidence(both), "python3-c")).toMatchObject({ falcoFired: true, timeToDetectMs: 50 });
  });

  it("an alert from another pod or outside the attempt's window never counts: observed none", () => {
    const lines = [
      alertLine({ rule: READ, ms: T0 + 140, cmdline: "cat /mnt/secrets/db-password", pod: "other", ns: "other", containerId: "aaaaaaaaaaaa" }),
      alertLine({ rule: READ, ms: T0 + 1500, cmdline: "cat /mnt/secrets/db-password" }),
      markerLine(T0 + 900, "m1"),
    ];
    expect(rowOf(evidence(lines), "cat")).toMatchObject({ falcoFired: false, timeToDetectMs: null });
  });

  it("an entry that was not attempted has only its method: nothing observed is claimed", () => {
    expect(rowOf(evidence(baseLines), "proc-mem")).toEqual({ attack: "proc-mem", method: "cat /proc/1/mem", mitre: ["T1003.007"] });
  });

  it("one row per catalogue entry, each at matrix/detection/<id>.json", () => {
    expect(detectionMatrixFiles(evidence(baseLines)).map(([p]) => p)).toEqual([
      "matrix/detection/cat.json", "matrix/detection/python3-c.json", "matrix/detection/proc-mem.json",
    ]);
  });
});

function recordedBundle(edit: (files: Record<string, string | object>) => void = () => undefined) {
  const ev = evidence(baseLines, [cat]);
  const files: Record<string, string | object> = {
    [LAYOUT.catalogue]: ev.catalogue,
    [LAYOUT.rules]: priorities,
    [LAYOUT.pod]: POD,
    [LAYOUT.attempts]: `${JSON.stringify(cat)}\n`,
    [LAYOUT.alerts]: `${baseLines.join("\n")}\n`,
    "verdicts/detection.json": judgeDetection(ev),
    ...Object.fromEntries(detectionMatrixFiles(ev)),
  };
  edit(files);
  return memoryBundle(files);
}

describe("`secretproof verify` derives the detection rows again", () => {
  it("rows recorded from the evidence match the rows it derives, and read back as the report shows them", () => {
    const b = recordedBundle();
    expect(matrixMismatches(b, "detection", detectionFamily.matrix?.(b) ?? [])).toEqual([]);
    expect(rejudgeFamily(detectionFamily, b, []).mismatches).toEqual([]);
    expect(readMatrix(b).find((r) => r.attack === "cat")).toMatchObject({ falcoFired: true, timeToDetectMs: 140 });
  });

  it("a hand-edited row, a missing row and an extra row are each reported", () => {
    const b = recordedBundle((f) => {
      f["matrix/detection/cat.json"] = { ...(f["matrix/detection/cat.json"] as object), timeToDetectMs: 5 };
      delete f["matrix/detection/proc-mem.json"];
      f["matrix/detection/made-up.json"] = { attack: "made-up", method: "true" };
    });
    const m = rejudgeFamily(detectionFamily, b, []).mismatches;
    expect(m).toEqual([
      "matrix/detection/cat.json: timeToDetectMs is recorded as 5; the evidence derives 140",
      expect.stringMatching(/^matrix\/detection\/proc-mem\.json is missing/),
      "matrix/detection/made-up.json matches no catalogue entry of the detection evidence",
    ]);
  });
});
