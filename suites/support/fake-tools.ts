import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { afterEach, beforeEach } from "vitest";

/**
 * Stand-in CLIs (kind, kubectl, helm: shell scripts) first on PATH and a
 * state directory of their own, for each test of the calling file; PATH and
 * SECRETPROOF_STATE_DIR are restored after each. `dir()` is the test's
 * directory (the scripts, and `state/` under it).
 */
export function useFakeTools(prefix: string, scripts: (dir: string) => Record<string, string>): { dir(): string } {
  let dir = "";
  const saved = { state: process.env.SECRETPROOF_STATE_DIR, path: process.env.PATH };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
    for (const [name, text] of Object.entries(scripts(dir))) {
      await writeFile(join(dir, name), text);
      await chmod(join(dir, name), 0o755);
    }
    process.env.PATH = `${dir}${delimiter}${saved.path ?? ""}`;
    process.env.SECRETPROOF_STATE_DIR = join(dir, "state");
  });
  afterEach(async () => {
    process.env.PATH = saved.path;
    if (saved.state === undefined) delete process.env.SECRETPROOF_STATE_DIR;
    else process.env.SECRETPROOF_STATE_DIR = saved.state;
    await rm(dir, { recursive: true, force: true });
  });
  return { dir: () => dir };
}
