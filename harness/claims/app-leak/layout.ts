/**
 * The L1 family's id: it names this folder, the suite
 * (suites/e2e/app-leak.test.ts) and the verdicts (verdicts/app-leak.json).
 */
export const ID = "app-leak";

/**
 * Where L1's evidence lies in a run directory; `writeL1Evidence` writes these
 * files and `readL1Evidence` (and so `secretproof verify`) reads them.
 *
 *   L1/scan.json          what was scanned (sources by name, kind, status, length,
 *                         sha256) for which secrets (by label and redaction
 *                         marker), and every leak found (kind, length, index)
 *   verdicts/app-leak.json the verdict, as judgeL1 computes it from the above
 *
 * No response body, log line or character of a secret is ever written: a
 * leak is recorded by where it is and how long, never by what it says.
 */
export const LAYOUT = {
  scan: "L1/scan.json",
} as const;
