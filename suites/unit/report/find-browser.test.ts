import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { findChromium } from "./headless.ts";

describe("the browser the report tests render in", () => {
  it("is $CHROME_BIN when set, as the GitHub runner image sets it", async () => {
    const dir = await mkdtemp(join(tmpdir(), "secretproof-chrome-"));
    try {
      const chrome = join(dir, "google-chrome");
      await writeFile(chrome, "#!/bin/sh\n", { mode: 0o755 });
      expect(await findChromium({ CHROME_BIN: chrome })).toBe(chrome);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails naming $CHROME_BIN when it cannot be started, instead of falling back", async () => {
    await expect(findChromium({ CHROME_BIN: "/nonexistent/google-chrome" })).rejects.toThrow(
      "CHROME_BIN is /nonexistent/google-chrome, which cannot be started",
    );
  });
});
