import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sha256 } from "../../../harness/report/expectations.ts";
import { textDigestInput } from "../../../harness/report/own-expectations.ts";

describe("digests of the rules and policy files", () => {
  it("are the same for a checkout with CRLF line ends (Git for Windows' autocrlf) as for LF", async () => {
    const dir = await mkdtemp(join(tmpdir(), "secretproof-digest-"));
    try {
      await writeFile(join(dir, "lf.yaml"), "- rule: a\n  output: b\n");
      await writeFile(join(dir, "crlf.yaml"), "- rule: a\r\n  output: b\r\n");
      await writeFile(join(dir, "other.yaml"), "- rule: a\n  output: c\n");
      const digest = (f: string) => sha256(textDigestInput(join(dir, f)));
      expect(digest("crlf.yaml")).toBe(digest("lf.yaml"));
      expect(digest("other.yaml")).not.toBe(digest("lf.yaml"));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
