import { describe, expect, it } from "vitest";
import { resolveAttack, loadCatalogue } from "../../../harness/attack/catalogue.ts";
import { seccompModeOf } from "../../../harness/attack/seccomp-mode.ts";
import { ruleNames } from "../../../harness/falco/rules-file.ts";

const command = "kubectl exec -n test-dynamic secure-test-app-x -c web -- cat /proc/self/status";
const status = (mode: string) => `Name:\tcat\nNoNewPrivs:\t1\nSeccomp:\t${mode}\nSeccomp_filters:\t1\n`;

describe("the seccomp mode of an exec in the app container", () => {
  it("reads the Seccomp line of /proc/self/status: 2 under RuntimeDefault, 0 with no filter", () => {
    expect(seccompModeOf({ command, exitCode: 0, stdout: status("2"), stderr: "" })).toBe("2");
    expect(seccompModeOf({ command, exitCode: 0, stdout: status("0"), stderr: "" })).toBe("0");
  });

  it("fails naming the command when the line is missing, and on kubectl's own failure", () => {
    expect(() => seccompModeOf({ command, exitCode: 0, stdout: "Name:\tcat\n", stderr: "" })).toThrow(/without a Seccomp: 0\|1\|2 line/);
    expect(() => seccompModeOf({ command, exitCode: 1, stdout: "", stderr: "error: unable to upgrade connection\n" })).toThrow(/kubectl/);
  });

  it("switches the io-uring entry to a read that Falco misses and Tetragon kills when there is no filter", () => {
    const io = loadCatalogue(ruleNames()).attacks.find((a) => a.id === "io-uring");
    if (!io) throw new Error("io-uring missing");
    expect(resolveAttack(io, new Set()).detection).toEqual({ exitCode: 3, stdout: "empty" });
    const off = resolveAttack(io, new Set(["seccomp-off"]));
    expect(off.detection).toEqual({ exitCode: 0, stdout: "credential" });
    expect(off.enforcement).toEqual({ exitCode: 137, stdout: "empty", tetragon: "kill" });
    expect(off.falco.fires).toEqual([]);
  });
});
