import { APP } from "../../clusters/names.ts";
import type { Attack } from "../attack/catalogue.ts";
import { attackAt, targetPaths } from "../attack/catalogue-paths.ts";
import { catalogueTools } from "../attack/image-tools.ts";
import type { AuditTarget } from "./target.ts";

/** The file of the target's mount the catalogue reads as the password: secrets.passwordFile, else db-password when listed. */
export function passwordFileOf(t: AuditTarget): string | undefined {
  if (t.secrets.passwordFile) return t.secrets.files.includes(t.secrets.passwordFile) ? t.secrets.passwordFile : undefined;
  return t.secrets.files.includes(APP.passwordObject) ? APP.passwordObject : undefined;
}

/** Whether an entry writes under the mount (a shell redirect into it): an audit never runs it. Pure. */
export function writesUnder(a: Pick<Attack, "command" | "stdin">, mountPath: string): boolean {
  const text = [...a.command, a.stdin ?? ""].join("\n");
  return text.split(">").slice(1).some((after) => after.trimStart().startsWith(mountPath));
}

/** The catalogue as an audit runs it: every entry on the target's paths, and why any is not run. */
export interface AuditCatalogue {
  attacks: Attack[];
  /** Attack id → why it is not run (a write, a tool the image lacks), recorded so its verdict says so. */
  notRun: Record<string, string>;
}

/**
 * The catalogue on the target's paths. An entry is not run when it writes
 * under the mount, or when the image lacks a binary it runs (`tools`: the
 * binaries found in the image, or why they could not be looked up). Pure.
 */
export function auditCatalogue(attacks: readonly Attack[], t: AuditTarget, file: string, tools: ReadonlySet<string> | { unknown: string }): AuditCatalogue {
  const at = targetPaths(t.secrets.mountPath, file);
  const notRun: Record<string, string> = {};
  const out = attacks.map((a) => attackAt(a, at));
  for (const a of out) {
    if (writesUnder(a, t.secrets.mountPath)) notRun[a.id] = `it writes under ${t.secrets.mountPath}, and an audit never writes to the workload's files`;
    else if ("unknown" in tools) notRun[a.id] = `the image's binaries could not be looked up: ${tools.unknown}`;
    else {
      const missing = catalogueTools([a]).filter((x) => !tools.has(x));
      if (missing.length) notRun[a.id] = `the workload image has no ${missing.join(", ")}`;
    }
  }
  return { attacks: out, notRun };
}

/** A shell script printing, one per line, which of `tools` the image's PATH holds (POSIX `command -v`). */
export function toolLookupScript(tools: readonly string[]): string {
  for (const t of tools) if (!/^[A-Za-z0-9._+-]+$/.test(t)) throw new Error(`not a binary name: ${JSON.stringify(t)}`);
  return `for t in ${tools.join(" ")}; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done; exit 0`;
}

/** The tools the lookup printed, limited to those asked for. Pure. */
export function toolsFound(stdout: string, asked: readonly string[]): Set<string> {
  const printed = new Set(stdout.split("\n").map((l) => l.trim()));
  return new Set(asked.filter((t) => printed.has(t)));
}
