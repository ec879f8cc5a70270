import { describe, expect, it } from "vitest";
import { execExit, kubectlFailure } from "../../../harness/kube/exec-exit.ts";

// stderr as kubectl v1.35 leaves it: the command's own stderr, then CheckErr's one line for a CodeExitError.
describe("kubectl exec exit codes: the container's or kubectl's own", () => {
  it("takes 0 as the command's result", () => {
    expect(execExit(0, "")).toEqual({ origin: "remote", exitCode: 0, stderr: "" });
  });

  it("takes a 137 with kubectl's `command terminated with exit code 137` line as the container's kill, and strips the line", () => {
    expect(execExit(137, "command terminated with exit code 137\n")).toEqual({ origin: "remote", exitCode: 137, stderr: "" });
    expect(execExit(2, "psql: error: password authentication failed for user \"postgres\"\ncommand terminated with exit code 2\n")).toEqual({
      origin: "remote",
      exitCode: 2,
      stderr: "psql: error: password authentication failed for user \"postgres\"\n",
    });
  });

  it("finds the line when the command's stderr did not end with a newline", () => {
    expect(execExit(1, "cat: /proc/1/mem: Input/output errorcommand terminated with exit code 1\n")).toMatchObject({
      origin: "remote",
      stderr: "cat: /proc/1/mem: Input/output error",
    });
  });

  it("takes exit 1 without the line as kubectl's own failure, not the command's", () => {
    const x = execExit(1, "error: unable to upgrade connection: container not found (\"web\")\n");
    expect(x.origin).toBe("kubectl");
    expect(kubectlFailure("kubectl exec …", 1, x.stderr)).toMatch(/failed in kubectl itself \(exit 1.*unable to upgrade connection/s);
  });

  it("never takes kubectl itself killed on this machine (137, no line) for a kill in the container", () => {
    expect(execExit(137, "").origin).toBe("kubectl");
  });

  it("refuses a line whose code is not the exit code, or that is not the last line", () => {
    expect(execExit(1, "command terminated with exit code 137\n").origin).toBe("kubectl");
    expect(execExit(1, "command terminated with exit code 1\nerror: something after\n").origin).toBe("kubectl");
  });
});
