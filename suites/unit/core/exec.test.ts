import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { PermanentError } from "../../../harness/core/errors.ts";
import { describeCommand } from "../../../harness/core/command-line.ts";
import { ExecError, run } from "../../../harness/core/exec.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";

describe("exec", () => {
  it("captures stdout, stderr and exit code of a real process", async () => {
    const r = await run("sh", ["-c", "echo out; echo err >&2"], { timeoutMs: 5_000 });
    expect(r).toMatchObject({ exitCode: 0, stdout: "out\n", stderr: "err\n" });
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("names the command, exit code and stderr tail when it fails", async () => {
    const err = await run("sh", ["-c", "for i in $(seq 1 40); do echo line$i >&2; done; exit 3"], {
      timeoutMs: 5_000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ExecError);
    const m = (err as ExecError).message;
    expect(m).toMatch(/^sh -c .* exited 3 after/);
    expect(m).toContain("line40");
    expect(m).not.toContain("line5\n");
    expect(m).toContain("20 earlier lines");
  });

  it("accepts declared exit codes as results", async () => {
    const ok = await run("sh", ["-c", "exit 137"], { timeoutMs: 5_000, okExitCodes: [137] });
    expect(ok.exitCode).toBe(137);
  });

  it("reports a process killed by SIGKILL as exit code 137, like a shell does", async () => {
    const killed = await run("sh", ["-c", "kill -9 $$"], { timeoutMs: 5_000, okExitCodes: [137] });
    expect(killed.exitCode).toBe(137);
    const err = await run("sh", ["-c", "kill -9 $$"], { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/exited 137/);
  });

  it("times out with the command and time in the message", async () => {
    const err = await run("sleep", ["5"], { timeoutMs: 200 }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/^sleep 5 timed out after 200ms/);
  });

  it("a missing binary is a permanent error naming it", async () => {
    const err = await run("no-such-cli-xyz", ["get"], { timeoutMs: 5_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toContain("no-such-cli-xyz not found on PATH");
  });

  it("never puts a registered secret into its error message", async () => {
    const red = new Redactor();
    red.register("hunter2-very-secret", "db password");
    const err = await run("sh", ["-c", "echo login failed for hunter2-very-secret >&2; exit 1", "hunter2-very-secret"], {
      timeoutMs: 5_000,
      redactor: red,
    }).catch((e: unknown) => e);
    expect((err as Error).message).not.toContain("hunter2-very-secret");
    expect((err as Error).message).toContain("<redacted sha256:");
  });

  it("never carries a registered secret in the properties a test runner prints (captured stdout and stderr)", async () => {
    const red = new Redactor();
    red.register("hunter2-very-secret", "db password");
    const script = "echo token: hunter2-very-secret; echo pw hunter2-very-secret >&2; exit 1";
    const failed = await run("sh", ["-c", script], { timeoutMs: 5_000, redactor: red }).catch((e: unknown) => e);
    const timedOut = await run("sh", ["-c", "echo hunter2-very-secret; exec sleep 5"], { timeoutMs: 300, redactor: red }).catch((e: unknown) => e);
    for (const err of [failed, timedOut]) {
      expect(err).toBeInstanceOf(ExecError);
      const printed = inspect(err, { depth: 10 });
      expect(printed).toContain("<redacted sha256:");
      expect(printed).not.toContain("hunter2-very-secret");
    }
  });

  it("withholds the stdout of a command that prints a secret not yet registered, when it fails or times out", async () => {
    const red = new Redactor();
    // the secret comes from the environment, as a mounted file's content would, never from the command line
    const env = { FRESH: "fresh-password-1234" };
    const opts = { redactor: red, secretStdout: true, env };
    const failed = await run("sh", ["-c", 'printf "$FRESH"; exit 1'], { timeoutMs: 5_000, ...opts }).catch((e: unknown) => e);
    const timedOut = await run("sh", ["-c", 'printf "$FRESH"; exec sleep 5'], { timeoutMs: 300, ...opts }).catch((e: unknown) => e);
    for (const err of [failed, timedOut]) {
      expect(err).toBeInstanceOf(ExecError);
      expect((err as ExecError).result.stdout).toBe("<withheld: 19 bytes of secret output>");
      expect(inspect(err, { depth: 10 })).not.toContain("fresh-password-1234");
    }
    const ok = await run("sh", ["-c", 'printf "$FRESH"'], { timeoutMs: 5_000, ...opts });
    expect(ok.stdout).toBe("fresh-password-1234");
  });

  it("quotes arguments readably", () => {
    expect(describeCommand("kubectl", ["exec", "-n", "ns", "--", "sh", "-c", "cat '/a b'"])).toBe(
      "kubectl exec -n ns -- sh -c 'cat '\\''/a b'\\'''",
    );
  });
});
