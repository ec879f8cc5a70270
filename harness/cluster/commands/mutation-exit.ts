import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { runsRoot } from "../run/run-dir.ts";
import { RUN_JSON, type RunRecord } from "../../evidence/recorder.ts";

/**
 * The exit code of `secretproof test --mutation`: 0 when the run started
 * after `since` recorded its mutation's outcome as met, else 1, printing the
 * outcome (vitest's own exit code counts the declared failures as failures).
 */
export async function testExitCode(since: string, root = runsRoot()): Promise<number> {
  const names = (await readdir(root).catch(() => [] as string[])).sort().reverse();
  for (const n of names) {
    const run = await readFile(join(root, n, RUN_JSON), "utf8").then((t) => JSON.parse(t) as RunRecord, () => undefined);
    if (!run || run.startedAt < since) continue;
    process.stderr.write(`${run.mutation?.outcome.summary ?? `run ${run.runId} recorded no mutation outcome`}\n`);
    return run.mutation?.outcome.ok ? 0 : 1;
  }
  process.stderr.write(`no run under ${root} started after ${since}: npm test recorded nothing\n`);
  return 1;
}
