import { describe, expect, it } from "vitest";
import { outcomeProblems, normaliseCmdline } from "../../../harness/attack/attempt.ts";
import { exitCodeOf } from "../../../harness/attack/tty-exec.ts";
import { loginProblems } from "../../../harness/attack/login.ts";
import { Ring } from "../../../harness/kube/log-follow.ts";
import { attempt } from "../../support/falco-samples.ts";

describe("attack runner parts", () => {
  it("reads the exit code from the exec status channel, including a SIGKILL's 137", () => {
    expect(exitCodeOf({ status: "Success", metadata: {} })).toBe(0);
    expect(
      exitCodeOf({
        status: "Failure",
        reason: "NonZeroExitCode",
        message: "command terminated with non-zero exit code: error executing command [cat /mnt/secrets/db-password], exit code 137",
        details: { causes: [{ reason: "ExitCode", message: "137" }] },
      }),
    ).toBe(137);
    expect(() => exitCodeOf({ status: "Failure", reason: "InternalError", message: "pod not found" })).toThrow(/pod not found/);
  });

  it("accepts a killed reader only with exit 137 and not one byte of output", () => {
    const killed = attempt({ exitCode: 137, stdoutBytes: 0, stdout: "", credentialRegistered: false });
    expect(outcomeProblems(killed, { exitCode: 137, stdout: "empty" })).toEqual([]);
    expect(outcomeProblems({ ...killed, stdoutBytes: 3 }, { exitCode: 137, stdout: "empty" })).toEqual(["stdout has 3 bytes, expected none"]);
    expect(outcomeProblems(attempt(), { exitCode: 137, stdout: "empty" })[0]).toMatch(/exit code 0, expected 137/);
  });

  it("proves a terminal only by the pts device the shell printed", () => {
    const tty = attempt({ stdout: "$ tty\r\n/dev/pts/0\r\n$ exit 0\r\n" });
    expect(outcomeProblems(tty, { exitCode: 0, stdout: "terminal" })).toEqual([]);
    expect(outcomeProblems({ ...tty, stdout: "not a tty\n" }, { exitCode: 0, stdout: "terminal" })).toHaveLength(1);
  });

  it("normalises command lines the way Falco joins argv", () => {
    expect(normaliseCmdline(" sed  /mnt/secrets/db-password ")).toBe("sed /mnt/secrets/db-password");
  });

  it("keeps a bounded window of a stream and counts what it dropped", () => {
    const r = new Ring<number>(3);
    for (let i = 1; i <= 5; i++) r.push(i);
    expect(r.toArray()).toEqual([3, 4, 5]);
    expect(r.dropped).toBe(2);
    expect(() => new Ring(0)).toThrow();
  });

  it("counts a stolen-password login as proof only if a wrong password is refused", () => {
    const base = { at: "", attack: "cat", attempts: [{ user: "v-a", ok: true, current_user: "v-a" }] };
    expect(loginProblems({ ...base, wrongPassword: { user: "v-a", ok: false, reason: "password authentication failed" } })).toEqual([]);
    expect(loginProblems({ ...base, wrongPassword: { user: "v-a", ok: true, current_user: "v-a" } })[0]).toMatch(/not refused/);
    expect(loginProblems({ ...base, attempts: [{ user: "v-a", ok: false }], wrongPassword: null })[0]).toMatch(/no candidate/);
  });
});
