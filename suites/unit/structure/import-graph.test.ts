import { readFileSync } from "node:fs";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { fileCycles, folderCycles, importsOf, reachedModule, readGraph, type Graph } from "../../support/import-graph.ts";

const graph = readGraph(process.cwd(), ["clusters", "fixtures", "harness", "suites", "bench"]);
const claimFiles = [...graph.keys()].filter((f) => f.startsWith("harness/claims/"));
const bringUpJudges = [...graph.keys()].filter((f) => f.startsWith("harness/cluster/up/judges/"));

/** The modules the lint forbids in a file, as the project's ESLint configuration says for that path. */
async function forbiddenIn(file: string): Promise<string[]> {
  const config = (await new ESLint({ cwd: process.cwd() }).calculateConfigForFile(file)) as { rules: Record<string, unknown[]> };
  const opts = config.rules["no-restricted-imports"]?.[1] as { paths?: { name: string }[] } | undefined;
  return (opts?.paths ?? []).map((p) => p.name);
}

const planted = (files: Record<string, string>): Graph => new Map(Object.entries(files).map(([f, text]) => [f, importsOf(f, text)]));

describe("the import graph: clusters/ and fixtures/ below the harness, no cycles, judges reach no I/O", () => {
  it("has no cycle between files, between folders, or between top-level folders", () => {
    expect(fileCycles(graph)).toEqual([]);
    expect(folderCycles(graph)).toEqual([]);
    expect(folderCycles(graph, 1)).toEqual([]);
  });

  it("clusters/ and fixtures/ import nothing from harness/ or suites/", () => {
    const up = [...graph].flatMap(([f, es]) =>
      /^(clusters|fixtures)\//.test(f) ? es.filter((e) => /^(harness|suites)\//.test(e.to)).map((e) => `${f} -> ${e.to}`) : [],
    );
    expect(up).toEqual([]);
  });

  it("the judge rule covers every file in harness/claims but the collectors, and every file that makes a verdict", async () => {
    const io = await forbiddenIn("harness/claims/verdict.ts");
    expect(io).toEqual(expect.arrayContaining(["node:fs", "node:fs/promises", "node:child_process", "execa", "pg", "node-vault", "@kubernetes/client-node", "zx"]));
    const unguarded: string[] = [];
    for (const f of claimFiles) if ((await forbiddenIn(f)).length === 0) unguarded.push(f);
    expect(unguarded.every((f) => /\/(collect[^/]*|key-file)\.ts$/.test(f)), unguarded.join(", ")).toBe(true);
    const makesVerdicts = (f: string) => /import \{[^}]*\bverdict\b[^}]*\} from "[./a-z]*\/verdict\.ts"/.test(readFileSync(f, "utf8"));
    const judges = [...graph.keys()].filter((f) => f.startsWith("harness/") && (makesVerdicts(f) || (f.startsWith("harness/claims/") && /export function judge/.test(readFileSync(f, "utf8")))));
    expect(judges.length).toBeGreaterThan(10);
    expect(judges.filter((f) => unguarded.includes(f) || !f.startsWith("harness/claims/"))).toEqual([]);
  });

  it("no judge reaches an I/O module through what it imports at run time", async () => {
    const io = new Set(await forbiddenIn("harness/claims/verdict.ts"));
    const guarded = [];
    for (const f of claimFiles) if ((await forbiddenIn(f)).length > 0) guarded.push(f);
    expect(guarded.length).toBeGreaterThan(30);
    expect(guarded.flatMap((f) => reachedModule(graph, f, io)?.join(" -> ") ?? [])).toEqual([]);
  });

  it("bring-up's decisions live in harness/cluster/up/judges/, every file there guarded by the judge rule and reaching no I/O module", async () => {
    const io = new Set(await forbiddenIn("harness/claims/verdict.ts"));
    expect(bringUpJudges.length).toBeGreaterThan(8);
    for (const f of bringUpJudges) expect(await forbiddenIn(f), f).toEqual([...io]);
    expect(bringUpJudges.flatMap((f) => reachedModule(graph, f, io)?.join(" -> ") ?? [])).toEqual([]);
    const decides = /export function (judge|decide)\w*|export function \w+Problems?\(/;
    const elsewhere = [...graph.keys()].filter((f) => f.startsWith("harness/cluster/") && !bringUpJudges.includes(f) && decides.test(readFileSync(f, "utf8")));
    // the others are checks of what is rendered or generated here, not of what a live system answered
    expect(elsewhere.sort()).toEqual(["harness/cluster/render/check-plan.ts", "harness/cluster/state/secrets.ts", "harness/cluster/state/vault-root-token.ts", "harness/cluster/up/graph.ts"]);
  });

  it("the checks find what they look for: a folder cycle, a file cycle, an I/O module two imports away", () => {
    const g = planted({
      "h/claims/judge.ts": 'import { run } from "../core/exec.ts";\nimport type { T } from "../core/types.ts";\n',
      "h/core/exec.ts": 'import { execa } from "execa";\nimport { verdict } from "../claims/verdict.ts";\n',
      "h/core/types.ts": 'import { readFile } from "node:fs/promises";\n',
      "h/claims/verdict.ts": 'import { judge } from "./judge.ts";\n',
    });
    expect(folderCycles(g).map((c) => c.cycle)).toEqual([["h/claims", "h/core"]]);
    expect(fileCycles(g)).toEqual([["h/claims/judge.ts", "h/claims/verdict.ts", "h/core/exec.ts"]]);
    expect(reachedModule(g, "h/claims/judge.ts", new Set(["execa", "node:fs/promises"]))).toEqual(["h/claims/judge.ts", "h/core/exec.ts", "execa"]);
    expect(reachedModule(g, "h/core/types.ts", new Set(["execa"]))).toBeUndefined();
  });
});
