import { describe, expect, it } from "vitest";
import { CleanupStack } from "../../../harness/core/cleanup-stack.ts";
import { judgeUntilPass } from "../../../harness/core/settle.ts";

describe("CleanupStack: every cleanup runs, newest first, and failures are reported after all ran", () => {
  it("runs the steps in reverse order, past a failing one, and throws that failure at the end", async () => {
    const ran: string[] = [];
    const stack = new CleanupStack();
    stack.defer(async () => ran.push("record evidence"));
    stack.defer(async () => {
      ran.push("remove policy");
      throw new Error("could not remove the policy");
    });
    expect(stack.adopt("session", async (s) => ran.push(`close ${s}`))).toBe("session");
    await expect(stack.dispose()).rejects.toThrow("could not remove the policy");
    expect(ran).toEqual(["close session", "remove policy", "record evidence"]);
    await expect(stack.dispose()).resolves.toBeUndefined();
  });

  it("throws every failure together when several steps fail", async () => {
    const stack = new CleanupStack();
    stack.defer(() => Promise.reject(new Error("a")));
    stack.defer(() => Promise.reject(new Error("b")));
    await expect(stack.dispose()).rejects.toThrow("2 cleanup steps failed: b; a");
  });
});

describe("judgeUntilPass: a verdict is final once it passes or the wait ran out", () => {
  it("re-judges until the verdict passes, never repeating anything else", async () => {
    let calls = 0;
    const v = await judgeUntilPass("a verdict", () => ({ verdict: ++calls >= 3 ? "pass" : "fail", reasons: [`call ${calls}`] }), { timeoutMs: 1000, intervalMs: 1 });
    expect(v).toEqual({ verdict: "pass", reasons: ["call 3"] });
  });

  it("returns the last judgement, not a timeout, when the verdict never passes", async () => {
    const v = await judgeUntilPass("a verdict", () => ({ verdict: "fail", reasons: ["no alert"] }), { timeoutMs: 20, intervalMs: 5 });
    expect(v).toEqual({ verdict: "fail", reasons: ["no alert"] });
  });
});
