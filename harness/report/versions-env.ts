import { flatten } from "./flatten.ts";

/** Prefix of every variable `secretproof versions --format env` prints. */
export const PIN_PREFIX = "PIN_";

/** `kind.cliSha256LinuxAmd64` → `PIN_KIND_CLI_SHA256_LINUX_AMD64`. */
export function envName(path: string): string {
  return PIN_PREFIX + path.replace(/([a-z0-9])([A-Z])/g, "$1_$2").replace(/[^A-Za-z0-9]+/g, "_").toUpperCase();
}

/**
 * The pinned versions as `NAME=value` lines for `$GITHUB_ENV` or a shell, so
 * workflows read clusters/versions.ts instead of repeating it.
 */
export function versionsEnv(versions: unknown): string {
  const lines = flatten(versions).map(([k, v]) => {
    if (/[\r\n]/.test(v)) throw new Error(`pinned value ${k} holds a line break; it cannot be an environment variable`);
    return `${envName(k)}=${v}`;
  });
  const names = lines.map((l) => l.slice(0, l.indexOf("=")));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new Error(`two pinned versions map to the environment variable ${dup}`);
  return `${lines.join("\n")}\n`;
}
