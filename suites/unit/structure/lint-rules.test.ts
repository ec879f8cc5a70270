import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

/**
 * The project's own ESLint configuration, run on planted violations at real
 * paths: each rule must fire, or it proves nothing. Cycle first: import-x
 * remembers, per process, the modules it has walked.
 */
const eslint = new ESLint({ cwd: process.cwd() });
const rulesFired = async (filePath: string, code: string) =>
  (await eslint.lintText(code, { filePath }))[0]!.messages.map((m) => `${m.ruleId}: ${m.message}`);

describe("the lint rules fire on what they forbid", () => {
  it("import-x/no-cycle: a shared claim module importing a family's judge, which imports it back, is a cycle", async () => {
    const fired = await rulesFired("harness/claims/verdict.ts", 'import { judgeA1 } from "./a1-encryption/judge.ts";\nexport const planted = judgeA1;\n');
    expect(fired).toEqual([expect.stringMatching(/^import-x\/no-cycle: Dependency cycle/)]);
    // the first lint builds the typed program for the whole project: seconds on an idle machine, more under load
  }, 90_000);

  it("no-restricted-imports: a judge importing node:fs fails, a collector of the same family may", async () => {
    const planted = 'import { readFileSync } from "node:fs";\nexport const planted = readFileSync;\n';
    expect(await rulesFired("harness/claims/detection/judge.ts", planted)).toEqual([
      "no-restricted-imports: 'node:fs' import is restricted from being used. judges do no I/O: a collector reads the system, the judge reads the evidence",
    ]);
    expect(await rulesFired("harness/claims/a1-encryption/collect.ts", planted)).toEqual([]);
  });

  it("no-restricted-imports: clusters/ and fixtures/ import nothing from harness/", async () => {
    const fired = await rulesFired("clusters/helm/cilium.ts", 'import { toMs } from "../../harness/profile.ts";\nexport const planted = toMs;\n');
    expect(fired).toEqual([expect.stringMatching(/^no-restricted-imports: .*clusters\/ and fixtures\/ sit below the harness/)]);
  });

  it("@typescript-eslint/no-floating-promises: a cleanup promise nobody awaits is an error", async () => {
    const planted = "async function stop(): Promise<void> {}\nexport function close(): void {\n  stop();\n}\n";
    expect(await rulesFired("harness/core/wait.ts", planted)).toEqual([expect.stringMatching(/^@typescript-eslint\/no-floating-promises: /)]);
  });
});
