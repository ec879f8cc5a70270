import { describe, expect, it } from "vitest";
import { SLACK_MS } from "../../../harness/claims/detection/judge.ts";
import { judgeKill } from "../../../harness/claims/enforcement/kill.ts";
import { parseProtoTime, parseTetragonStream, sigkilledExits } from "../../../harness/tetragon/event.ts";
import { POD, T0, attempt } from "../falco/samples.ts";
import { POLICY, execLine, exitLine, kprobeLine, type ProcSpec } from "./samples.ts";

const opts = { policy: POLICY, hook: "security_file_open", pathPrefix: "/mnt/secrets/", slackMs: SLACK_MS };
const cat: ProcSpec = { execId: "c2VjcmV0cHJvb2Y6NDgyMTE6Y2F0", pid: 48211, binary: "/usr/bin/cat", args: "/mnt/secrets/db-password", startMs: T0 + 80 };
const run = (lines: string[]) => parseTetragonStream(lines.join("\n"), POD.namespace).events;

describe("Tetragon event parsing", () => {
  it("reads snake_case events with wrapper pids, int64 strings and protojson's unstable spacing", () => {
    const text = [
      "time=2026-11-26T10:23:00Z level=info msg=\"Starting hubble-export-stdout\"",
      execLine(T0 + 80, cat),
      kprobeLine(T0 + 90, cat),
      exitLine(T0 + 95, cat, "SIGKILL"),
      execLine(T0 + 100, { ...cat, ns: "falco", pod: "falco-abcde" }),
      '{"process_loader":{"process":{"pod":{"namespace":"test-dynamic"}}},"time":"2026-11-26T10:23:10Z"}',
      '{"process_exec":{"process":{"pod":{"namespace":"test-dynamic"}}},"time":"yesterday"}',
    ].join("\n");
    const { events, counts } = parseTetragonStream(text, POD.namespace);
    expect(events.map((e) => e.kind)).toEqual(["exec", "kprobe", "exit"]);
    expect(counts).toEqual({ lines: 7, events: 3, skipped: 2, nonJson: 1, invalid: 1 });
    const k = events[1];
    expect(k?.kind === "kprobe" && k.args[0]?.file_arg?.path).toMatch(/^\/mnt\/secrets\/\.\.2026/);
    expect(k?.process.pid).toBe(48211);
    expect(events[2]?.kind === "exit" && events[2].status).toBeUndefined();
  });

  it("parses protobuf timestamps with 0, 3, 6 or 9 fractional digits", () => {
    expect(parseProtoTime("2024-04-14T02:17:46Z")).toBe(Date.parse("2024-04-14T02:17:46Z"));
    expect(parseProtoTime("2022-05-11T12:54:45.615Z")).toBe(Date.parse("2022-05-11T12:54:45.615Z"));
    expect(parseProtoTime("2024-04-14T02:18:02.240856427Z")).toBeCloseTo(Date.parse("2024-04-14T02:18:02.240Z") + 0.856427, 6);
  });
});

describe("Tetragon kill judge", () => {
  it("proves a kill by a SIGKILL process_exit of the same exec_id, and times it", () => {
    const r = judgeKill(attempt(), run([kprobeLine(T0 + 90, cat), exitLine(T0 + 95, cat, "SIGKILL")]), opts);
    expect(r.killed).toBe(true);
    expect(r.timeToKillMs).toBeCloseTo(95, 0);
    expect(r.execToDeathMs).toBeCloseTo(15, 0);
  });

  it("does not take the kprobe action alone as a kill (monitor mode reports SIGKILL too)", () => {
    const r = judgeKill(attempt(), run([kprobeLine(T0 + 90, cat), exitLine(T0 + 95, cat)]), opts);
    expect(r.killed).toBe(false);
    expect(r.unconfirmed).toHaveLength(1);
    expect(r.reasons.join()).toMatch(/no process_exit with signal SIGKILL/);
  });

  it("does not pair a kprobe with another process's SIGKILL exit", () => {
    const other = { ...cat, execId: "b3RoZXI=", pid: 48999 };
    expect(judgeKill(attempt(), run([kprobeLine(T0 + 90, cat), exitLine(T0 + 95, other, "SIGKILL")]), opts).killed).toBe(false);
  });

  it("never lets a kill from an earlier attempt count for a later one", () => {
    const r = judgeKill(attempt(), run([kprobeLine(T0 - 3000, cat), exitLine(T0 - 2990, cat, "SIGKILL")]), opts);
    expect(r.killed).toBe(false);
  });

  it("counts only our policy's hook on the secrets mount", () => {
    expect(judgeKill(attempt(), run([kprobeLine(T0 + 90, cat, { policy: "someone-elses" }), exitLine(T0 + 95, cat, "SIGKILL")]), opts).killed).toBe(false);
    expect(judgeKill(attempt(), run([kprobeLine(T0 + 90, cat, { path: "/etc/passwd" }), exitLine(T0 + 95, cat, "SIGKILL")]), opts).killed).toBe(false);
  });

  it("pairs by pid and start time when the exit event lost its exec_id", () => {
    const lines = [kprobeLine(T0 + 90, cat), exitLine(T0 + 95, cat, "SIGKILL").replace(/"exec_id":\s?"[^"]+",\s?/, "")];
    expect(judgeKill(attempt(), run(lines), opts).killed).toBe(true);
  });

  it("finds a SIGKILL of the app's PID 1", () => {
    const app: ProcSpec = { execId: "YXBw", pid: 4100, binary: "/usr/local/bin/python3.12", args: "app.py", startMs: T0 - 60_000, containerPid: 1 };
    const kills = sigkilledExits(run([exitLine(T0 + 10, app, "SIGKILL")]), POD, T0, T0 + 100);
    expect(kills.map((k) => k.process.pod?.container?.pid)).toEqual([1]);
  });
});
