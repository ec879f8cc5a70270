import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { versions } from "../../../clusters/versions.ts";
import { TOOL_NAME, TOOL_VERSION } from "../../core/tool.ts";
import type { Verdict } from "../../claims/verdict.ts";
import { EvidenceRecorder, VERDICTS_DIR } from "../../evidence/recorder.ts";
import type { Profile } from "../../profile.ts";
import { runExpectations } from "../../report/own-expectations.ts";
import { REPO_ROOT } from "../render/external.ts";

/** Where run directories go: $SECRETPROOF_RUNS_DIR or runs/ in the repository. */
export function runsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.SECRETPROOF_RUNS_DIR || join(REPO_ROOT, "runs");
}

/** A new run directory with run.json (profile, versions, environment, the expectations' digests); the caller finalizes it. */
export function createRun(profile: Profile, environment: Record<string, string> = {}): Promise<EvidenceRecorder> {
  return EvidenceRecorder.create(runsRoot(), {
    tool: { name: TOOL_NAME, version: TOOL_VERSION, node: process.version },
    profile,
    versions,
    expectations: runExpectations(profile),
    environment: { platform: process.platform, arch: process.arch, ...(process.env.CI ? { ci: process.env.CI } : {}), ...environment },
  });
}

/** Verdicts the suites have recorded so far in a run directory (verdicts/<family>.json). */
export async function recordedVerdicts(dir: string): Promise<Verdict[]> {
  let names: string[];
  try {
    names = (await readdir(join(dir, VERDICTS_DIR))).filter((n) => n.endsWith(".json"));
  } catch {
    return [];
  }
  const lists = await Promise.all(names.map(async (n) => JSON.parse(await readFile(join(dir, VERDICTS_DIR, n), "utf8")) as Verdict[]));
  return lists.flat();
}
