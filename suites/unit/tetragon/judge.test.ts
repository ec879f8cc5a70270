import { describe, expect, it } from "vitest";
import { SLACK_MS } from "../../../harness/claims/detection/judge.ts";
import { judgeKill, tetragonArguments } from "../../../harness/claims/enforcement/kill.ts";
import { parseProtoTime, parseTetragonStream, sigkilledExits } from "../../../harness/tetragon/event.ts";
import { POD, T0, attempt } from "../../support/falco-samples.ts";
import { POLICY, execLine, exitLine, kprobeLine, type ProcSpec } from "../../support/tetragon-samples.ts";

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

  it("takes the kill, and the time to kill, from the attempt's own process, not from the enforcement proof's canary just before it", () => {
    // waitEnforcing's last canary reads db-username and is killed 20 ms before `cat` starts: inside the 50 ms slack.
    const canary: ProcSpec = { execId: "Y2FuYXJ5", pid: 48100, binary: "/usr/bin/cat", args: "/mnt/secrets/db-username", startMs: T0 - 30 };
    const canaryKill = [kprobeLine(T0 - 20, canary, { path: "/mnt/secrets/..2026_11_26_10_22_55.123456789/db-username" }), exitLine(T0 - 15, canary, "SIGKILL")];
    const r = judgeKill(attempt(), run([...canaryKill, kprobeLine(T0 + 90, cat), exitLine(T0 + 95, cat, "SIGKILL")]), opts);
    expect(r.killed).toBe(true);
    expect(r.kills.map((k) => k.kprobe.process.arguments)).toEqual(["/mnt/secrets/db-password"]);
    expect(r.timeToKillMs).toBeCloseTo(95, 0);
    expect(r.reasons.join("\n")).toMatch(/not counted: a SIGKILL event in the window for \/usr\/bin\/cat \/mnt\/secrets\/db-username/);
    const only = judgeKill(attempt(), run(canaryKill), opts);
    expect(only.killed, "the canary's kill alone is no kill of `cat`").toBe(false);
    expect(only.timeToKillMs).toBeUndefined();
  });

  it("does not take the previous method's kill of the same file for this one (head's kill in tail's window)", () => {
    const head: ProcSpec = { ...cat, execId: "aGVhZA==", binary: "/usr/bin/head" };
    const tail = attempt({ id: "enforcement/tail", attack: "tail", command: ["tail", "/mnt/secrets/db-password"] });
    expect(judgeKill(tail, run([kprobeLine(T0 - 10, head), exitLine(T0 - 5, head, "SIGKILL")]), opts).killed).toBe(false);
  });

  it("counts the kill of a child the attempt's shell started (`sh -c \"cat …\"`), by its parent", () => {
    const sh: ProcSpec = { execId: "c2g=", pid: 48200, binary: "/usr/bin/sh", args: '-c "cat /mnt/secrets/db-password"', startMs: T0 + 40 };
    const shc = attempt({ id: "enforcement/sh-c-cat", attack: "sh-c-cat", command: ["sh", "-c", "cat /mnt/secrets/db-password"] });
    const r = judgeKill(shc, run([kprobeLine(T0 + 90, cat, { parent: sh }), exitLine(T0 + 95, cat, "SIGKILL")]), opts);
    expect(r.killed).toBe(true);
    expect(judgeKill(shc, run([kprobeLine(T0 + 90, cat), exitLine(T0 + 95, cat, "SIGKILL")]), opts).killed).toBe(false);
  });

  it("renders a command's arguments as Tetragon's ArgsDecoder does: spaces join, an argument with a space is quoted, an empty one vanishes at the start", () => {
    expect(tetragonArguments(["-c", "cat /mnt/secrets/db-password"])).toBe('-c "cat /mnt/secrets/db-password"');
    expect(tetragonArguments(["-c", 'read -r x < /mnt/secrets/db-password; echo "$x"'])).toBe('-c "read -r x < /mnt/secrets/db-password; echo "$x""');
    expect(tetragonArguments(["", "/mnt/secrets/db-password"])).toBe("/mnt/secrets/db-password");
    expect(tetragonArguments(["{print}", "/mnt/secrets/db-password"])).toBe("{print} /mnt/secrets/db-password");
    expect(tetragonArguments(["a b"])).toBe(' "a b"');
    expect(tetragonArguments([])).toBe("");
  });

  it("finds a SIGKILL of the app's PID 1", () => {
    const app: ProcSpec = { execId: "YXBw", pid: 4100, binary: "/usr/local/bin/python3.12", args: "app.py", startMs: T0 - 60_000, containerPid: 1 };
    const kills = sigkilledExits(run([exitLine(T0 + 10, app, "SIGKILL")]), POD, T0, T0 + 100);
    expect(kills.map((k) => k.process.pod?.container?.pid)).toEqual([1]);
  });
});
