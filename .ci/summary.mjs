// Reads a vitest JSON report and prints "offline: N passed, N failed[, N skipped]".
// A file that failed to load (or a failed global setup) counts as a failure.
import { readFileSync } from "node:fs";

const [, , path, exitCode] = process.argv;
let report;
try {
  report = JSON.parse(readFileSync(path, "utf8"));
} catch (err) {
  console.error(`no vitest report at ${path}: ${err.message}`);
  console.log("offline: 0 passed, 1 failed");
  process.exit(0);
}
const files = report.testResults ?? [];
const brokenFiles = files.filter((f) => f.status === "failed" && !f.assertionResults.some((a) => a.status === "failed"));
let failed = report.numFailedTests + brokenFiles.length;
if (failed === 0 && exitCode !== "0") failed = 1;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`offline: ${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
