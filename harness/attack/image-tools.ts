import type { Attack } from "./catalogue.ts";

const SHELLS = new Set(["sh", "bash"]);
/** Shell builtins and keywords: the shell runs them itself, the image needs no binary. */
const BUILTINS = new Set(["cd", "read", "echo", "exit", "exec", "true", "false", ":"]);

/** The commands a shell script runs: each segment's first word, after `exec [-a NAME]`. */
function scriptCommands(script: string): string[] {
  return script
    .split(/[;&|\n]+/)
    .map((seg) => seg.trim().replace(/^exec\s+-a\s+("[^"]*"|'[^']*'|\S+)\s+/, "").replace(/^exec\s+/, ""))
    .map((seg) => seg.split(/[\s<>]+/)[0] ?? "")
    .filter((w) => w !== "" && !BUILTINS.has(w));
}

/**
 * Every binary the catalogue runs in the app container: each command's first
 * word, and for a shell (`sh -c`, `bash -c`, or a shell fed on stdin) the
 * commands of its script. The app image's build refuses to finish without them.
 */
export function catalogueTools(attacks: readonly Pick<Attack, "command" | "stdin">[]): string[] {
  const tools = new Set<string>();
  for (const a of attacks) {
    const [first = "", flag, script] = a.command;
    tools.add(first);
    if (!SHELLS.has(first)) continue;
    if (flag === "-c" && script !== undefined) for (const t of scriptCommands(script)) tools.add(t);
    if (a.command.length === 1 && a.stdin !== undefined) for (const t of scriptCommands(a.stdin)) tools.add(t);
  }
  return [...tools].sort();
}
