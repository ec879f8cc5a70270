import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../../harness/attack/attempt.ts";
import { detectionFamily } from "../../../harness/claims/detection/family.ts";
import { missingDetectionAttempts } from "../../../harness/claims/detection/judge.ts";
import { LAYOUT } from "../../../harness/claims/detection/layout.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { pick, priorities } from "../../support/falco-catalogue.ts";
import { POD, T0, alertLine, attempt, dropLine, markerLine } from "../../support/falco-samples.ts";


/** A run of `cat` and `proc-mem` with their alerts, a quiet window and a login proof. */
function bundle(over: { extraAlerts?: string[]; catStdoutBytes?: number; previousBarrier?: string } = {}) {
  const cat = attempt({ barrier: "secretproof-marker-b1", stdoutBytes: over.catStdoutBytes ?? 20 });
  const mem: AttemptRecord = attempt({
    id: "detection/proc-mem", attack: "proc-mem", command: ["cat", "/proc/1/mem"], startMs: T0 + 2000, endMs: T0 + 2300,
    exitCode: 1, stdoutBytes: 0, stdout: "", stderr: "cat: /proc/1/mem: Permission denied\n", credentialRegistered: false, barrier: "secretproof-marker-b2",
  });
  const alerts = [
    alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 100, cmdline: "cat /mnt/secrets/db-password" }),
    markerLine(T0 + 900, "secretproof-marker-b1"),
    alertLine({ rule: "SecretProof - Process Memory Open Refused", ms: T0 + 2100, cmdline: "cat /proc/1/mem", file: "/proc/1/mem", tag: "MEM-ATTEMPT" }),
    markerLine(T0 + 2900, "secretproof-marker-b2"),
    markerLine(T0 + 9000, "secretproof-marker-q"),
    ...(over.extraAlerts ?? []),
  ];
  const probes = [T0 + 6000, T0 + 7000].map((ms) => ({ at: new Date(ms).toISOString(), ms, durationMs: 30, status: 200, dbUser: "v-k-dyn-a", pid: 1 }));
  return memoryBundle({
    [LAYOUT.catalogue]: { environment: { ptraceScope: "1", conditions: [] }, attacks: [pick("cat"), pick("proc-mem")] },
    [LAYOUT.rules]: priorities,
    [LAYOUT.pod]: POD,
    [LAYOUT.attempts]: [cat, mem].map((a) => JSON.stringify(a)).join("\n") + "\n",
    [LAYOUT.alerts]: alerts.join("\n") + "\n",
    [LAYOUT.probes]: probes.map((p) => JSON.stringify(p)).join("\n") + "\n",
    [LAYOUT.quiet]: { startMs: T0 + 5000, endMs: T0 + 8000, barrier: "secretproof-marker-q", previousBarrier: over.previousBarrier },
    [LAYOUT.login]: {
      at: new Date(T0).toISOString(), attack: "cat",
      attempts: [{ user: "v-k-dyn-a", ok: true, current_user: "v-k-dyn-a" }],
      wrongPassword: { user: "v-k-dyn-a", ok: false, reason: "password authentication failed" },
    },
  });
}

const byKey = (vs: ReturnType<typeof detectionFamily.rejudge>) => Object.fromEntries(vs.map((v) => [`${v.claim}/${v.subject}`, v]));

describe("detection claim family", () => {
  it("is registered for `secretproof verify`", () => {
    expect(FAMILIES.map((f) => f.id)).toContain("detection");
  });

  it("re-judges F1 and F2 from the recorded files alone", () => {
    const v = byKey(detectionFamily.rejudge(bundle()));
    expect(v["F1/cat"]?.verdict).toBe("pass");
    expect(v["F2/proc-mem"]?.verdict).toBe("pass");
    expect(v["F1/app-own-reads"]?.verdict).toBe("pass");
    expect(v["F1/stolen-credential-login"]?.verdict).toBe("pass");
  });

  it("fails the negative control when the app's own read raises an alert", () => {
    const appRead = alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 6500, cmdline: "python app.py", vpid: 1 });
    const v = byKey(detectionFamily.rejudge(bundle({ extraAlerts: [appRead] })));
    expect(v["F1/app-own-reads"]?.verdict).toBe("fail");
    expect(v["F1/cat"]?.verdict).toBe("pass");
  });

  it("keeps out of the quiet window a READ alert raised before the marker that precedes it, though within the clock slack", () => {
    // A reader that ran before the last barrier: its alert lies 20 ms before the window, its marker 10 ms before.
    const late = [alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 4980, cmdline: "cat /mnt/secrets/db-password" }), markerLine(T0 + 4990, "secretproof-marker-b3")];
    expect(byKey(detectionFamily.rejudge(bundle({ extraAlerts: late, previousBarrier: "secretproof-marker-b3" })))["F1/app-own-reads"]?.verdict).toBe("pass");
    const older = byKey(detectionFamily.rejudge(bundle({ extraAlerts: late })))["F1/app-own-reads"];
    expect(older?.verdict, "a bundle without the previous barrier is judged on the slack alone, as recorded").toBe("fail");
    expect(older?.reasons.join()).toMatch(/1 READ alert\(s\) in the quiet window/);
  });

  it("passes no absence when Falco reported event drops: the quiet window and the silent rules are inconclusive", () => {
    const v = byKey(detectionFamily.rejudge(bundle({ extraAlerts: [dropLine(T0 + 6500)] })));
    expect(v["F1/app-own-reads"]?.verdict).toBe("inconclusive");
    expect(v["F1/app-own-reads"]?.reasons.join()).toMatch(/Falco reported 1 event drop alert\(s\) in the run: absence of alerts is not proven/);
    expect(v["F1/cat"]?.verdict).toBe("inconclusive");
  });

  it("fails a read method whose output was empty: the threat was not shown", () => {
    const v = byKey(detectionFamily.rejudge(bundle({ catStdoutBytes: 0 })));
    expect(v["F1/cat"]?.verdict).toBe("fail");
    expect(v["F1/cat"]?.reasons.join()).toMatch(/stdout is empty/);
  });

  it("fails MEM when the open_read rule fires although the catalogue says the open is refused", () => {
    const memRead = alertLine({ rule: "SecretProof - Process Memory Read", ms: T0 + 2150, cmdline: "cat /proc/1/mem", file: "/proc/1/mem", tag: "MEM" });
    const v = byKey(detectionFamily.rejudge(bundle({ extraAlerts: [memRead] })));
    expect(v["F2/proc-mem"]?.verdict).toBe("fail");
  });
});

describe("phase 2's check that phase 1 happened", () => {
  const line = (a: AttemptRecord) => `${JSON.stringify(a)}\n`;
  it("names every catalogue entry without a detection-phase attempt, ignoring attempts of other phases", () => {
    const text = line(attempt({ attack: "cat" })) + line(attempt({ id: "enforcement/head", attack: "head", phase: "enforcement" }));
    expect(missingDetectionAttempts(["cat", "head", "dd"], text)).toEqual(["head", "dd"]);
  });

  it("finds nothing missing when every entry ran in phase 1, and everything missing in an empty record", () => {
    const text = ["cat", "head"].map((id) => line(attempt({ id: `detection/${id}`, attack: id }))).join("");
    expect(missingDetectionAttempts(["cat", "head"], text)).toEqual([]);
    expect(missingDetectionAttempts(["cat", "head"], "")).toEqual(["cat", "head"]);
  });
});
