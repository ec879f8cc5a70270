import { describe, expect, it } from "vitest";
import { judgedFrom, observationProbe, stepProblem, type ObservationRecord } from "../../../harness/claims/dynamic/observation.ts";

const rec = (over: Partial<ObservationRecord> = {}): ObservationRecord => ({
  startedAt: "2026-12-01T12:00:00.000Z",
  durationMs: 150_000,
  steps: [
    { step: "D2", ok: false, message: "the CSI mount rotated after 84 s; the profile expects <= 31 s", startedAt: "2026-12-01T12:00:00.000Z", durationMs: 52_000 },
    { step: "D1", ok: true, startedAt: "2026-12-01T12:00:52.000Z", durationMs: 1_000 },
  ],
  ...over,
});

describe("the dynamic observation's outcome, as its suite reports it", () => {
  it("names the step that failed, with its own message (a prerequisite or the remount cadence), before any verdict", () => {
    expect(stepProblem(rec(), "D2")).toBe("D2 (the dynamic observation's step, 52.0s): the CSI mount rotated after 84 s; the profile expects <= 31 s");
    expect(stepProblem(rec(), "D1")).toBeUndefined();
  });

  it("says a step never ran when the observation ended before it, with the close error when there is one", () => {
    expect(stepProblem(rec({ closeError: "could not drop the control role" }), "D4")).toBe("the dynamic observation ended before D4 (after 2m30s): could not drop the control role");
  });

  it("puts a failed connection before every step", () => {
    expect(stepProblem(rec({ connectError: "port-forward to vault/svc/vault exited" }), "D1")).toBe("the dynamic observation could not connect: port-forward to vault/svc/vault exited");
  });

  it("judges from the recorded evidence: a claim without evidence is inconclusive, naming the missing file", () => {
    const v = judgedFrom({ params: { roleName: "r", defaultTtlMs: 60_000, expiryToleranceMs: 5_000, dropGraceMs: 45_000, controlRole: "c" } }, "D1");
    expect(v.verdict).toBe("inconclusive");
    expect(v.why).toBe("no evidence recorded at dynamic/d1.json");
  });
});

describe("the dynamic suite's look at observation.json", () => {
  const whole = `${JSON.stringify(rec(), null, 2)}\n`;

  it("keeps waiting while the file is missing, empty or cut short at any byte", () => {
    expect(observationProbe(undefined)).toEqual({ done: false, state: "not written yet" });
    for (let n = 0; n < whole.trimEnd().length; n++) expect(observationProbe(whole.slice(0, n)).done, `${n} bytes`).toBe(false);
    expect(observationProbe("")).toMatchObject({ done: false, state: expect.stringMatching(/^being written: 0 bytes so far do not parse/) });
  });

  it("ends the wait with the record once the file is whole", () => {
    expect(observationProbe(whole)).toEqual({ done: true, value: rec() });
  });

  it("does not take other JSON for a record", () => {
    expect(observationProbe("[]").done).toBe(false);
    expect(observationProbe("null").done).toBe(false);
  });
});
