/**
 * An argv as a person would type it at a POSIX shell, for reading only (never
 * executed): words are left bare when the shell would take them literally,
 * else quoted the way that needs no escape where one exists. Unlike
 * describeCommand (harness/core/command-line.ts) it never writes the
 * `'\''` dance: a word holding a single quote is double-quoted instead.
 */

/** Characters a POSIX shell takes literally anywhere in a word. */
const BARE = /^[A-Za-z0-9@%+=:,./_-]+$/;
/** Characters double quotes do not make literal (POSIX 2.2.3): they need a backslash inside "…". */
const DOUBLE_SPECIAL = /["$`\\]/g;

/** One word, quoted only where the shell would otherwise split, expand or reinterpret it. */
export function shellWord(word: string): string {
  if (BARE.test(word)) return word;
  if (!word.includes("'")) return `'${word}'`;
  return `"${word.replace(DOUBLE_SPECIAL, "\\$&")}"`;
}

/** An argv as one readable command line. */
export function shellLine(argv: readonly string[]): string {
  return argv.map(shellWord).join(" ");
}
