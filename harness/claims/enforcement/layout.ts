/**
 * The enforcement family's id: it names this folder, its bundle directory, the
 * suite (suites/e2e/enforcement.test.ts), the verdicts (verdicts/enforcement.json)
 * and its attack-matrix rows (matrix/enforcement/).
 */
export const ID = "enforcement";

/**
 * Evidence layout of the enforcement suite (T1, T2, T3), inside the run directory:
 *
 *   enforcement/catalogue.json         the catalogue entries as run, and the environment
 *   enforcement/rules.json             Falco rule name -> JSON priority
 *   enforcement/policy.yaml            the TracingPolicyNamespaced as applied
 *   enforcement/policy-status.json     proof it was enforcing: canary reads up to the first kill, tetra's status
 *   enforcement/policy-removed.json    proof it was unloaded after removal: unlisted, then canary reads up to the first success
 *   enforcement/pod-before.json        the app pod before the policy (uid, restartCount, container id)
 *   enforcement/pod-after.json         the same pod after the policy was removed
 *   enforcement/attempts.jsonl         every attempt (phase "enforcement", then "restored"), output redacted
 *   enforcement/falco-alerts.jsonl     raw Falco JSON lines of our rules (and Falco internal alerts)
 *   enforcement/falco-stream.json      Falco stream statistics: lines, non-JSON, invalid, dropped
 *   enforcement/tetragon-events.jsonl  raw Tetragon JSON events of the app namespace
 *   enforcement/tetragon-stream.json   Tetragon stream statistics
 *   enforcement/barriers.json          marker barriers across both streams
 *   enforcement/app-probes.jsonl       every request to the app during the suite
 *   enforcement/phase.json             when the policy was proven enforcing, when attacks ended, when it was removed
 *   enforcement/time-to-kill.json      per method: attempt start to exit, kill event timing (derived, for reading)
 *   matrix/enforcement/<id>.json       one attack-matrix row per catalogue entry, derived from the above (matrix.ts)
 *   verdicts/enforcement.json          the verdicts, as judgeEnforcement computes them from the above
 *
 * evidence.ts writes these files and reads them back.
 */
export const LAYOUT = {
  catalogue: `${ID}/catalogue.json`,
  rules: `${ID}/rules.json`,
  policy: `${ID}/policy.yaml`,
  policyStatus: `${ID}/policy-status.json`,
  policyRemoved: `${ID}/policy-removed.json`,
  podBefore: `${ID}/pod-before.json`,
  podAfter: `${ID}/pod-after.json`,
  attempts: `${ID}/attempts.jsonl`,
  alerts: `${ID}/falco-alerts.jsonl`,
  falcoStream: `${ID}/falco-stream.json`,
  events: `${ID}/tetragon-events.jsonl`,
  tetragonStream: `${ID}/tetragon-stream.json`,
  barriers: `${ID}/barriers.json`,
  probes: `${ID}/app-probes.jsonl`,
  phase: `${ID}/phase.json`,
  timeToKill: `${ID}/time-to-kill.json`,
} as const;
