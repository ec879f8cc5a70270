import { describe, expect, it } from "vitest";
import { loginProblems, parseLoginOutput } from "../../../harness/attack/login.ts";
import { judgeLogin } from "../../../harness/claims/detection/judge.ts";

const AT = "2026-11-26T10:23:10.000Z";
const run = (exitCode: number, stdout: string, stderr: string) => ({ command: "kubectl exec python3 -c …", exitCode, stdout, stderr });
const ok = JSON.stringify({
  attempts: [{ user: "v-app-1", ok: true, current_user: "v-app-1" }],
  wrong_password: { user: "v-app-1", ok: false, reason: "password authentication failed" },
});

describe("the stolen-credential login check", () => {
  it("reads the script's verdicts when it ran", () => {
    const p = parseLoginOutput(AT, "cat", run(0, `${ok}\n`, ""));
    expect(p.error).toBeUndefined();
    expect(loginProblems(p)).toEqual([]);
  });

  it("says kubectl failed itself, rather than that no user logged in, when kubectl exec broke", () => {
    const p = parseLoginOutput(AT, "cat", run(1, "", "error: unable to upgrade connection: pod does not exist\n"));
    expect(p.attempts).toEqual([]);
    expect(loginProblems(p)[0]).toMatch(/^the login check did not run: kubectl exec python3 -c … failed in kubectl itself \(exit 1/);
    expect(judgeLogin(p).verdict).toBe("fail");
  });

  it("says the script failed, with its exit code and stderr tail, when python exited non-zero in the container", () => {
    const p = parseLoginOutput(AT, "cat", run(1, "", "Traceback (most recent call last):\nModuleNotFoundError: No module named 'psycopg2'\ncommand terminated with exit code 1\n"));
    expect(p.error).toMatch(/^the login script exited 1 in the app container: .*ModuleNotFoundError/s);
    expect(p.error).not.toContain("command terminated");
  });

  it("says the script printed no result when its output is not the JSON it writes", () => {
    expect(parseLoginOutput(AT, "cat", run(0, "hello\n", "")).error).toMatch(/^the login script printed no result/);
  });
});
