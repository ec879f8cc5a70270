import { redactor } from "../evidence/redact.ts";
import { loadBundle } from "../report/bundle.ts";
import { KIND_AUDIT_DECIDES, auditRunOf, compareRuns, suitesRunOf } from "./compare.ts";

/**
 * `secretproof audit compare SUITES_RUN_DIR AUDIT_RUN_DIR`: one line per
 * claim; exit 1 on a mismatch, 2 when the audit left a claim it must decide
 * on the kind target undecided (or a bundle cannot be compared).
 */
export async function compareAction(suitesDir: string, auditDir: string): Promise<void> {
  const [suites, audit] = await Promise.all([loadBundle(suitesDir), loadBundle(auditDir)]);
  const result = compareRuns(suitesRunOf(suites), auditRunOf(audit), KIND_AUDIT_DECIDES);
  // the audit's reasons carry collectors' messages
  process.stdout.write(redactor.redact(`${result.lines.join("\n")}\n`));
  process.exitCode = result.exitCode;
}
