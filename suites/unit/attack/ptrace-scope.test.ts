import { describe, expect, it } from "vitest";
import { ptraceScopeOf } from "../../../harness/attack/app-pod.ts";

const command = "kubectl --context kind-secretproof -n test-dynamic exec secure-test-app-7d9f8c6b5-x2x9q -c web -- cat /proc/sys/kernel/yama/ptrace_scope";
const run = (exitCode: number, stdout: string, stderr: string) => ptraceScopeOf({ command, exitCode, stdout, stderr });

describe("Yama's ptrace_scope decides proc-mem's expected outcome, so only a proven value or a proven absence counts", () => {
  it("reads the value cat printed in the container", () => {
    expect(run(0, "1\n", "")).toBe("1");
    expect(run(0, "0\n", "")).toBe("0");
  });

  it("reads 'absent' only when the container's cat exited 1 because the file does not exist", () => {
    const stderr = "cat: /proc/sys/kernel/yama/ptrace_scope: No such file or directory\ncommand terminated with exit code 1\n";
    expect(run(1, "", stderr)).toBe("absent");
  });

  it("throws, naming kubectl, when kubectl itself failed with exit 1 (no 'command terminated' line), instead of reading Yama as absent", () => {
    expect(() => run(1, "", "error: unable to upgrade connection: container not found (\"web\")\n")).toThrow(
      /cat \/proc\/sys\/kernel\/yama\/ptrace_scope failed in kubectl itself \(exit 1, no "command terminated with exit code 1" line from the container\): error: unable to upgrade connection/,
    );
  });

  it("throws on any other failure of cat in the container, and on an empty read", () => {
    expect(() => run(1, "", "cat: /proc/sys/kernel/yama/ptrace_scope: Permission denied\ncommand terminated with exit code 1\n")).toThrow(
      /exited 1 in the app container without reading \/proc\/sys\/kernel\/yama\/ptrace_scope: cat: .*Permission denied$/,
    );
    expect(() => run(0, "", "")).toThrow(/exited 0 in the app container without reading/);
  });
});
