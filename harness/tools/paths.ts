import { homedir } from "node:os";
import { delimiter, join } from "node:path";

/**
 * Where `secretproof tools install` puts the pinned CLIs: tools/bin under the
 * state root ($SECRETPROOF_STATE_DIR, else ~/.secretproof), beside the
 * per-cluster state directories.
 */
export function toolsBinDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.SECRETPROOF_STATE_DIR || join(homedir(), ".secretproof"), "tools", "bin");
}

/** `path` with `dir` first, and not again later. */
export function prependPath(dir: string, path: string | undefined): string {
  const rest = (path ?? "").split(delimiter).filter((p) => p !== "" && p !== dir);
  return [dir, ...rest].join(delimiter);
}

/**
 * Puts the pinned CLIs first on this process's PATH, so every kind, kubectl
 * and helm the harness starts (and every child, vitest workers included) is
 * the pinned one once `secretproof tools install` has run. A directory that
 * does not exist yet changes nothing. Returns the directory.
 */
export function usePinnedTools(env: NodeJS.ProcessEnv = process.env): string {
  const dir = toolsBinDir(env);
  env.PATH = prependPath(dir, env.PATH);
  return dir;
}
