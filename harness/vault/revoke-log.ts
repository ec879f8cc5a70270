/**
 * Vault's own account of a failing revocation, read from its log. When the
 * revocation of an expired lease fails, Vault's expiration manager logs
 * logger.Error("failed to revoke lease", "lease_id", id, "error", err,
 * "attempts", n, "next_attempt", d) before retrying (hashicorp/vault
 * vault/expiration.go:308-309 at 6fd972499f; the logger is named
 * "expiration", :431). go-hclog v1.6.3 (Vault's go.mod:105) prints that as
 *   2026-07-31T10:00:00.123Z [ERROR] expiration: failed to revoke lease: lease_id=<id> error="<err>" attempts=1 next_attempt=19.5s
 * A value holding any rune outside '-'..'~' is quoted, with '"' escaped as
 * \" (intlogger.go:282-296, :461-471, :532-546); a value holding a newline is
 * printed on lines of its own, "  error=" then "  | <line>" for each
 * (intlogger.go:450-460), and the remaining fields follow on the next line.
 */

/** One failed revocation Vault logged. */
export interface RevokeFailure {
  leaseId: string;
  error: string;
  /** Attempts made so far (Vault's count). */
  attempts?: number;
  /** The log line's own timestamp (Vault's clock). */
  at?: string;
}

const HEAD = /^(\S+)?\s*\[ERROR\]\s+expiration: failed to revoke lease: lease_id=(\S+)(.*)$/;
const ONE_LINE = /^ error=(".*"|\S+) attempts=(\d+)(?: |$)/;
const TAIL = /^\s+attempts=(\d+)(?: |$)/;
/** "  | <line>"; an empty line is "  | ", or "  |" once trailing blanks are trimmed. */
const CONTINUED = /^ {2}\|(?: |$)/;

function unquote(v: string): string {
  return v.startsWith('"') && v.endsWith('"') && v.length >= 2 ? v.slice(1, -1).replace(/\\"/g, '"') : v;
}

/** The multi-line form: "  error=", then "  | " lines, then the other fields. */
function multiLine(lines: readonly string[], from: number): { error: string; attempts?: number; next: number } | undefined {
  if (lines[from]?.trim() !== "error=") return undefined;
  const parts: string[] = [];
  let i = from + 1;
  for (; i < lines.length && CONTINUED.test(lines[i] as string); i++) parts.push((lines[i] as string).slice(4));
  const tail = TAIL.exec(lines[i] ?? "");
  return { error: parts.join("\n"), attempts: tail ? Number(tail[1]) : undefined, next: tail ? i + 1 : i };
}

/** Every failed revocation in Vault's log lines, oldest first. Lines about anything else are skipped. */
export function revokeFailures(lines: readonly string[]): RevokeFailure[] {
  const out: RevokeFailure[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = HEAD.exec(lines[i] as string);
    if (!head) continue;
    const [, at, leaseId, rest] = head as unknown as [string, string | undefined, string, string];
    const one = ONE_LINE.exec(rest);
    if (one) {
      out.push({ leaseId, error: unquote(one[1] as string), attempts: Number(one[2]), ...(at ? { at } : {}) });
      continue;
    }
    const multi = rest === "" ? multiLine(lines, i + 1) : undefined;
    if (!multi) continue;
    out.push({ leaseId, error: multi.error, ...(multi.attempts === undefined ? {} : { attempts: multi.attempts }), ...(at ? { at } : {}) });
    i = multi.next - 1;
  }
  return out;
}

/**
 * The lines of Vault's log that report failed revocations (with their
 * continuation lines), the last `max` reports: what the suite records.
 */
export function revokeFailureLines(log: string, max: number): string[] {
  const lines = log.split("\n");
  const reports: string[][] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!HEAD.test(lines[i] as string)) continue;
    const report = [lines[i] as string];
    while (i + 1 < lines.length && /^\s+(error=$|\|(?: |$)|attempts=)/.test(lines[i + 1] as string)) report.push(lines[++i] as string);
    reports.push(report);
  }
  return reports.slice(-max).flat();
}
