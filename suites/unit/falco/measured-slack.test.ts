import { describe, expect, it } from "vitest";
import { SLACK_MS, detectionSlackMs, judgeAppQuiet, type DetectionEvidence } from "../../../harness/claims/detection/judge.ts";
import { parseFalcoStream } from "../../../harness/falco/alert.ts";
import { POD, T0, alertLine, markerLine } from "../../support/falco-samples.ts";

// The node's clock runs 400 ms behind this machine's: the quiet-window marker exec ran at
// T0+9000..9150 here and Falco stamped its event T0+8650.
const barriers = [{ nonce: "secretproof-marker-q", requestedMs: T0 + 9000, execEndMs: T0 + 9150, seen: { falco: T0 + 8650 } }];

function evidence(slackMs: number): DetectionEvidence {
  const lines = [
    // A reader in the pod at T0+5100 on this machine's clock, stamped T0+4700 by the node.
    alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 4700, cmdline: "cat /mnt/secrets/db-password" }),
    markerLine(T0 + 8650, "secretproof-marker-q"),
  ];
  const probes = [T0 + 6000, T0 + 7000].map((ms) => ({ at: new Date(ms).toISOString(), ms, durationMs: 30, status: 200, dbUser: "v-k-dyn-a", pid: 1 }));
  return {
    catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: [] }, priorities: {}, pod: POD, attempts: [],
    alerts: parseFalcoStream(lines.join("\n")).alerts, drops: 0, probes, quiet: { startMs: T0 + 5000, endMs: T0 + 8000, barrier: "secretproof-marker-q" }, slackMs,
  };
}

describe("the detection judges use the clock slack the markers measured, not an assumed one", () => {
  it("measures |offset| <= 500 ms from the marker (its event 350-500 ms before its exec on this machine's clock)", () => {
    expect(detectionSlackMs(barriers)).toBe(500);
  });

  it("the quiet window catches a read the node stamped before the window, with the measured slack", () => {
    expect(judgeAppQuiet(evidence(detectionSlackMs(barriers))).verdict).toBe("fail");
    // With the old assumed 50 ms the same read fell outside the window.
    expect(judgeAppQuiet(evidence(SLACK_MS)).verdict).toBe("pass");
  });

});
