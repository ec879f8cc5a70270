/**
 * The detection family's id: it names this folder, its bundle directory, the
 * suite (suites/e2e/detection.test.ts), the verdicts (verdicts/detection.json)
 * and its attack-matrix rows (matrix/detection/).
 */
export const ID = "detection";

/**
 * Evidence layout of the detection suite (F1, F2), inside the run directory:
 *
 *   detection/catalogue.json     the catalogue entries as run (environment overrides applied) + environment
 *   detection/rules.json         rule name -> priority as Falco's JSON spells it
 *   detection/pod.json           the app pod (name, uid, container id, image)
 *   detection/attempts.jsonl     one AttemptRecord per line, output redacted
 *   detection/falco-alerts.jsonl the raw Falco JSON lines of our rules and Falco's internal alerts
 *   detection/falco-stream.json  stream statistics: lines, non-JSON, invalid, dropped
 *   detection/barriers.json      marker barriers (liveness, after each attempt, after the quiet window)
 *   detection/app-probes.jsonl   every request to the app during the suite
 *   detection/quiet-window.json  the window with app traffic and no attack (negative control)
 *   detection/login.json         the stolen credential's login proof (no password in it)
 *   matrix/detection/<id>.json   one attack-matrix row per catalogue entry, derived from the above (matrix.ts)
 *   verdicts/detection.json      the verdicts, as judgeDetection computes them from the above
 *
 * evidence.ts writes these files and reads them back.
 */
export const LAYOUT = {
  catalogue: `${ID}/catalogue.json`,
  rules: `${ID}/rules.json`,
  pod: `${ID}/pod.json`,
  attempts: `${ID}/attempts.jsonl`,
  alerts: `${ID}/falco-alerts.jsonl`,
  stream: `${ID}/falco-stream.json`,
  barriers: `${ID}/barriers.json`,
  probes: `${ID}/app-probes.jsonl`,
  quiet: `${ID}/quiet-window.json`,
  login: `${ID}/login.json`,
} as const;
