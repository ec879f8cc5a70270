/**
 * A command line for messages and reports. Pure: judges and matrix rows use it
 * without reaching the process runner (harness/core/exec.ts).
 */

/** Renders argv as a shell-like line for messages (never executed). */
export function describeCommand(file: string, args: readonly string[]): string {
  return [file, ...args].map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", "'\\''")}'`)).join(" ");
}
