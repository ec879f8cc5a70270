/**
 * The network family's id: it names this folder, its bundle directory, the
 * suite (suites/e2e/network.test.ts) and the verdicts (verdicts/network.json).
 */
export const ID = "network";

/**
 * Evidence layout of the network suite (N1), inside the run directory:
 *
 *   network/upstream.json       what the suite checked first: Cilium's policy enforcement and audit mode, the hubble CLI
 *   network/policy.json         the CiliumNetworkPolicy as the API server holds it
 *   network/target.json         the sink (namespace, pod, IP, port, Service host) and the app pod (name, labels, IP)
 *   network/attempt.json        the exfiltration attempt in the app pod: command, start, duration, exit, stdout, stderr
 *   network/control.json        the same attempt from the unselected client pod (negative control)
 *   network/flows.jsonl         raw `hubble observe --verdict DROPPED -o json` lines from the Cilium agent
 *   network/app-probes.jsonl    every request to the app during and after the attempt
 *   verdicts/network.json       the verdict, as judgeN1 computes it from the above
 *
 * evidence.ts writes these files and reads them back.
 */
export const LAYOUT = {
  upstream: `${ID}/upstream.json`,
  policy: `${ID}/policy.json`,
  target: `${ID}/target.json`,
  attempt: `${ID}/attempt.json`,
  control: `${ID}/control.json`,
  flows: `${ID}/flows.jsonl`,
  appProbes: `${ID}/app-probes.jsonl`,
} as const;
