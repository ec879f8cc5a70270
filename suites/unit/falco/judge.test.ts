import { describe, expect, it } from "vitest";
import type { FalcoExpectation } from "../../../harness/attack/catalogue.ts";
import { parseFalcoStream } from "../../../harness/falco/alert.ts";
import { barrierTime, imageRepository, judgeFalcoAttempt } from "../../../harness/claims/detection/alerts.ts";
import { SLACK_MS } from "../../../harness/claims/detection/judge.ts";
import { POD, T0, alertLine, attempt, dropLine, markerLine } from "../../support/falco-samples.ts";

const READ = "SecretProof - Secret File Read";
const SHELL = "SecretProof - Interactive Shell Spawned";
const EXFIL = "SecretProof - Exfiltration Tool Spawned";
const opts = { slackMs: SLACK_MS, priorities: { [READ]: "Critical", [SHELL]: "Warning", [EXFIL]: "Critical" } };
const expectCat: FalcoExpectation = {
  fires: [{ rule: READ, cmdline: "cat /mnt/secrets/db-password", file: "/mnt/secrets/db-password" }],
  silent: [SHELL, EXFIL],
};

function judge(lines: string[], exp = expectCat, a = attempt()) {
  const { alerts } = parseFalcoStream(lines.join("\n"));
  return judgeFalcoAttempt(a, exp, alerts, barrierTime(alerts, a.barrier, a.pod), opts);
}
const marker = markerLine(T0 + 900, "secretproof-marker-aaaa");
const catAt = (ms: number, over = {}) => alertLine({ rule: READ, ms, cmdline: "cat /mnt/secrets/db-password", ...over });

describe("Falco judge", () => {
  it("attributes the READ alert of `cat` to its attempt and checks every context field", () => {
    const r = judge([catAt(T0 + 120), marker]);
    expect(r.ok).toBe(true);
    expect(r.matched).toHaveLength(1);
  });

  it("never lets a stale alert from an earlier attempt satisfy a later one", () => {
    const r = judge([catAt(T0 - 5_000), marker]);
    expect(r.ok).toBe(false);
    expect(r.reasons.join()).toMatch(/no "SecretProof - Secret File Read" for `cat \/mnt\/secrets\/db-password`/);
  });

  it("is inconclusive, not failed, on a missing alert before a barrier proves Falco caught up", () => {
    expect(judge([]).ok).toBe("inconclusive");
    const stale = markerLine(T0 - 10, "secretproof-marker-aaaa");
    expect(judge([stale]).ok).toBe("inconclusive");
  });

  it("counts a marker whose node clock runs behind by less than the slack as following the attempt: a missing alert then fails", () => {
    const behind = markerLine(T0 + 400 - SLACK_MS / 2, "secretproof-marker-aaaa");
    const r = judge([behind]);
    expect(r.ok).toBe(false);
    expect(judge([markerLine(T0 + 400 - SLACK_MS - 1, "secretproof-marker-aaaa")]).ok).toBe("inconclusive");
  });

  it("is inconclusive on a missing alert when Falco reported dropped events", () => {
    const { alerts } = parseFalcoStream([marker].join("\n"));
    const r = judgeFalcoAttempt(attempt(), expectCat, alerts, barrierTime(alerts, "secretproof-marker-aaaa"), { ...opts, drops: 3 });
    expect(r.ok).toBe("inconclusive");
  });

  it("is inconclusive, not passed, on a silent rule's silence when Falco reported dropped events", () => {
    const { alerts } = parseFalcoStream([catAt(T0 + 120), dropLine(T0 + 200), marker].join("\n"));
    const r = judgeFalcoAttempt(attempt(), expectCat, alerts, barrierTime(alerts, "secretproof-marker-aaaa"), { ...opts, drops: 1 });
    expect(r.ok).toBe("inconclusive");
    expect(r.reasons.join()).toMatch(/"SecretProof - Exfiltration Tool Spawned" silence is unproven: Falco reported 1 event drop/);
  });

  it("does not attribute to an attempt an alert raised after its own marker, though the slack reaches forward to it", () => {
    // The next attempt starts as soon as this attempt's marker exec returns: its shell lies 30 ms after this attempt's end.
    const own = markerLine(T0 + 410, "secretproof-marker-aaaa");
    const next = alertLine({ rule: SHELL, priority: "Warning", ms: T0 + 430, cmdline: "bash", file: null, tag: "SHELL" });
    expect(judge([catAt(T0 + 120), own, next]).ok).toBe(true);
    const before = judge([catAt(T0 + 120), next, markerLine(T0 + 445, "secretproof-marker-aaaa")]);
    expect(before.ok, "an alert before the marker, in the slack, is the attempt's").toBe(false);
    expect(before.reasons.join()).toMatch(/"SecretProof - Interactive Shell Spawned" must stay silent but fired 1x/);
  });

  it("ignores alerts from another pod in the same window", () => {
    const other = catAt(T0 + 100, { pod: "other-pod", ns: "default", containerId: "aaaaaaaaaaaa" });
    expect(judge([other, marker]).ok).toBe(false);
  });

  it("fails an alert whose pod metadata Falco could not resolve", () => {
    const r = judge([catAt(T0 + 100, { pod: null, ns: null }), marker]);
    expect(r.ok).toBe(false);
    expect(r.reasons.join()).toMatch(/k8s.pod.name null/);
  });

  it("fails on the wrong priority", () => {
    const r = judge([catAt(T0 + 100, { priority: "Warning" }), marker]);
    expect(r.ok).toBe(false);
    expect(r.reasons.join()).toMatch(/priority Warning, expected Critical/);
  });

  it("fails when a rule that must stay silent fires in the window", () => {
    const shell = alertLine({ rule: SHELL, priority: "Warning", ms: T0 + 200, cmdline: "bash", file: null, tag: "SHELL" });
    const r = judge([catAt(T0 + 100), shell, marker]);
    expect(r.ok).toBe(false);
    expect(r.reasons.join()).toMatch(/must stay silent/);
  });

  it("tells sh -c's child from a direct cat by its parent", () => {
    const exp: FalcoExpectation = { fires: [{ rule: READ, cmdline: "cat /mnt/secrets/db-password", pname: "sh" }], silent: [] };
    expect(judge([catAt(T0 + 100, { pname: "sh" }), marker], exp).ok).toBe(true);
    expect(judge([catAt(T0 + 100, { pname: null }), marker], exp).ok).toBe(false);
  });

  it("compares command lines with whitespace normalised (sed's empty argument)", () => {
    const exp: FalcoExpectation = { fires: [{ rule: READ, cmdline: "sed /mnt/secrets/db-password" }], silent: [] };
    const sed = alertLine({ rule: READ, ms: T0 + 100, cmdline: "sed  /mnt/secrets/db-password" });
    expect(judge([sed, marker], exp).ok).toBe(true);
  });

  it("does not attribute to an attempt an alert raised before the previous barrier's marker, though the slack reaches back to it", () => {
    // The stolen-credential login's python3 exits, its barrier's marker follows, then `cat` starts: all within the 50 ms slack.
    const login = alertLine({ rule: EXFIL, ms: T0 - 40, cmdline: "python3 -c import json, os, sys", file: null, tag: "EXFIL" });
    const previous = markerLine(T0 - 20, "secretproof-marker-prev");
    const after = attempt({ previousBarrier: "secretproof-marker-prev" });
    expect(judge([login, previous, catAt(T0 + 120), marker], expectCat, after).ok).toBe(true);
    const before = judge([login, previous, catAt(T0 + 120), marker], expectCat, attempt());
    expect(before.ok, "without the lower bound the slack takes the login's alert").toBe(false);
    expect(before.reasons.join()).toMatch(/"SecretProof - Exfiltration Tool Spawned" must stay silent but fired 1x/);
  });

  it("still attributes an alert raised after the previous barrier's marker, even before the attempt's start (clock slack)", () => {
    const previous = markerLine(T0 - 45, "secretproof-marker-prev");
    const shell = alertLine({ rule: SHELL, priority: "Warning", ms: T0 - 10, cmdline: "bash", file: null, tag: "SHELL" });
    const r = judge([previous, catAt(T0 + 120), shell, marker], expectCat, attempt({ previousBarrier: "secretproof-marker-prev" }));
    expect(r.ok).toBe(false);
    expect(r.reasons.join()).toMatch(/Interactive Shell Spawned" must stay silent/);
  });

  it("takes a barrier's time only from the marker of the attempt's own pod", () => {
    const elsewhere = alertLine({ rule: "SecretProof - Stream Liveness Marker", priority: "Notice", ms: T0 + 900, cmdline: "true secretproof-marker-aaaa", file: null, pod: "other", ns: "default", containerId: "aaaaaaaaaaaa", tag: "MARKER" });
    const { alerts } = parseFalcoStream([elsewhere].join("\n"));
    expect(barrierTime(alerts, "secretproof-marker-aaaa", POD)).toBeUndefined();
    expect(barrierTime(parseFalcoStream(marker).alerts, "secretproof-marker-aaaa", POD)).toBeCloseTo(T0 + 900, 2);
    expect(judge([elsewhere]).ok, "a missing alert is not settled by another pod's marker").toBe("inconclusive");
    expect(judge([marker]).ok).toBe(false);
  });

  it("reads an image's repository without tag or digest", () => {
    expect(imageRepository("secretproof/secure-test-app:dev")).toBe("secretproof/secure-test-app");
    expect(imageRepository("localhost:5000/app@sha256:abc")).toBe("localhost:5000/app");
    expect(imageRepository("localhost:5000/app:1.0")).toBe("localhost:5000/app");
  });
});

describe("attempt windows", () => {
  it("finds the attempt a time falls in, with slack, and none between attempts", async () => {
    const { attemptIndexAt } = await import("../../../harness/claims/detection/alerts.ts");
    const w = [{ startMs: 100, endMs: 200 }, { startMs: 500, endMs: 600 }, { startMs: 900, endMs: 950 }];
    expect(attemptIndexAt(w, 150, 0)).toBe(0);
    expect(attemptIndexAt(w, 205, 10)).toBe(0);
    expect(attemptIndexAt(w, 300, 10)).toBe(-1);
    expect(attemptIndexAt(w, 950, 0)).toBe(2);
    expect(attemptIndexAt(w, 960, 5)).toBe(-1);
  });
});
