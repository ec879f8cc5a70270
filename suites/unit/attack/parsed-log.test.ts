import { describe, expect, it } from "vitest";
import { PermanentError } from "../../../harness/core/errors.ts";
import { ParsedLog } from "../../../harness/kube/log-follow.ts";

const upper = (line: string) => (line.startsWith("{") ? line.toUpperCase() : undefined);

describe("a followed log keeps the parsed lines of a real process's output", () => {
  it("keeps only the lines its parser accepts, with their raw text, oldest first, and counts what the ring dropped", async () => {
    const log = new ParsedLog("sample", "/bin/sh", ["-c", "printf '{a}\\nnoise\\n{b}\\n{c}\\n'"], 2, upper);
    const c = await log.waitForItem("the {c} line", (x) => x === "{C}", 5000, () => log.stats(), 10);
    expect(c).toBe("{C}");
    await log.stop();
    expect(log.items()).toEqual(["{B}", "{C}"]);
    expect(log.rawLines()).toEqual(["{b}", "{c}"]);
    expect(log.stats()).toMatchObject({ command: expect.stringContaining("/bin/sh -c"), dropped: 1, retained: 2, running: false });
  });

  it("fails at once, naming the stream, when the process ended without the awaited line", async () => {
    const log = new ParsedLog("sample", "/bin/sh", ["-c", "echo '{x}'; echo gone >&2"], 10, upper);
    await expect(log.waitForItem("a {y} line", (x) => x === "{Y}", 5000, () => log.stats(), 10)).rejects.toThrow(/the sample stream ended: .*gone/s);
  });

  it("reports a missing binary as a permanent error", async () => {
    const log = new ParsedLog("sample", "secretproof-no-such-binary", [], 10, upper);
    await log.stop();
    const err = await log.waitForItem("anything", () => true, 5000, () => log.stats(), 10).catch((e: unknown) => e);
    expect((err as Error).cause).toBeInstanceOf(PermanentError);
    expect((err as Error).message).toMatch(/secretproof-no-such-binary not found on PATH/);
  });
});
