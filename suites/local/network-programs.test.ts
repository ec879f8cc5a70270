import { spawn, type ChildProcess } from "node:child_process";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMs } from "../../clusters/duration.ts";
import { SINK } from "../../clusters/names.ts";
import { sinkProgram } from "../../fixtures/manifests/sink.ts";
import { exfilProgram } from "../../harness/claims/network/collect.ts";
import { judgeAttemptFailed, judgeControl } from "../../harness/claims/network/judge.ts";
import type { ExecRecord } from "../../harness/claims/network/types.ts";
import { run } from "../../harness/core/exec.ts";
import { findPython } from "../../harness/core/locate.ts";
import { freePort } from "../../harness/core/net.ts";
import { waitFor } from "../../harness/core/wait.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/**
 * The sink's listener and the exfiltration program, run for real with this
 * machine's python3: the control's success and the attempt's failures print
 * what the N1 judges read.
 */
const profile = loadProfile();
let python: string;
let port: number;
let sink: ChildProcess;

const connects = (p: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(p, "127.0.0.1", () => (s.end(), resolve(true)));
    s.once("error", () => resolve(false));
  });

beforeAll(async () => {
  python = (await findPython()) ?? "python3";
  port = await freePort();
  sink = spawn(python, ["-c", sinkProgram(port, "127.0.0.1")], { stdio: "ignore" });
  await waitFor(`the sink program to listen on 127.0.0.1:${port}`, async () => ((await connects(port)) ? { done: true, value: port } : { done: false, state: "refused" }), {
    timeoutMs: toMs(profile.local.serverStart),
    intervalMs: toMs(profile.local.pollInterval),
  });
});
afterAll(() => {
  sink?.kill("SIGTERM");
});

async function attempt(host: string, p: number): Promise<ExecRecord> {
  const command = ["-c", exfilProgram(host, p, toMs(profile.waits.exfilConnect))];
  const r = await run(python, command, { timeoutMs: toMs(profile.waits.command), okExitCodes: [0, 1] });
  return { namespace: "local", pod: "local", container: "python3", command: ["python3", ...command], startedAt: r.startedAt, durationMs: r.durationMs, exitCode: r.exitCode, origin: "remote", stdout: r.stdout, stderr: r.stderr };
}

describe("the network claim's programs, run for real", () => {
  it("the sink accepts the exfiltration program's connection, which prints connected: the control's pass", async () => {
    const r = await attempt("127.0.0.1", port);
    expect(r.exitCode).toBe(0);
    expect(judgeControl(r).verdict).toBe("pass");
  });

  it("a refused connection exits 1 with nothing on stdout, which the attempt judge counts as blocked", async () => {
    const r = await attempt("127.0.0.1", await freePort());
    expect(r).toMatchObject({ exitCode: 1, stdout: "" });
    expect(judgeAttemptFailed(r).verdict, r.stderr).toBe("pass");
  });

  it("a name that does not resolve is not counted as blocked by the policy", async () => {
    const r = await attempt(`${SINK.service}.${SINK.namespace}.invalid`, SINK.port);
    expect(r.exitCode).toBe(1);
    expect(judgeAttemptFailed(r).reasons.join(), r.stderr).toMatch(/failed at name resolution/);
  });
});
