/**
 * Whether Cilium enforces egress policy on the app's endpoints, judged from
 * `cilium-dbg endpoint list -o json` in the agent (read at the stored cilium/
 * cilium tree, not the v1.20.0 tag):
 *
 * - the command prints the agent's endpoint list (GET /endpoint, an array of
 *   models.Endpoint) through command.PrintOutput, JSON-indented
 *   (cilium-dbg/cmd/endpoint_list.go printEndpointList; pkg/command/output.go);
 * - each endpoint has status.identity.labels (models.Identity, "source:key=value",
 *   e.g. `k8s:io.kubernetes.pod.namespace=test-dynamic`), status.external-identifiers
 *   k8s-namespace and k8s-pod-name (models.EndpointIdentifiers), and
 *   status.policy.realized.policy-enabled (models.EndpointPolicy), the policy in the
 *   datapath: none, ingress, egress, both, or audit-ingress, audit-egress, audit-both
 *   when the endpoint is in audit mode (api/v1/models/endpoint_policy_enabled.go;
 *   pkg/endpoint/api.go policyStatus).
 */
export interface CiliumEndpoint {
  id?: number;
  status?: {
    state?: string;
    identity?: { id?: number; labels?: string[] };
    "external-identifiers"?: { "k8s-namespace"?: string; "k8s-pod-name"?: string; "pod-name"?: string };
    policy?: { realized?: { "policy-enabled"?: string } };
  };
}

/** Parses the command's stdout; lines before the JSON array (a table header, should the CLI print one) are skipped. */
export function parseEndpointList(stdout: string): { endpoints: CiliumEndpoint[] } | { error: string } {
  const lines = stdout.split("\n");
  const start = lines.findIndex((l) => /^\s*(\[|null\s*$)/.test(l));
  if (start < 0) return { error: `no JSON array in the output: ${JSON.stringify(stdout.trim().slice(0, 200))}` };
  let doc: unknown;
  try {
    doc = JSON.parse(lines.slice(start).join("\n"));
  } catch (err) {
    return { error: `the output from line ${start + 1} is not JSON (${(err as Error).message})` };
  }
  if (doc === null) return { endpoints: [] };
  if (!Array.isArray(doc)) return { error: "the output is not a JSON array of endpoints" };
  return { endpoints: doc as CiliumEndpoint[] };
}

/** What the step waits for: the app's running pods, each with an endpoint enforcing egress. */
export interface EgressTarget {
  namespace: string;
  /** The app's selector labels, which the policy selects on. */
  labels: Readonly<Record<string, string>>;
  /** The names of the app's running pods. */
  pods: readonly string[];
}

export type EgressDecision =
  | { kind: "enforcing"; detail: string }
  | { kind: "waiting"; detail: string }
  /** Will not fix itself: no CLI, output in another shape, or an endpoint in audit mode (a denied packet is forwarded). */
  | { kind: "refused"; detail: string };

const ENFORCING = new Set(["egress", "both"]);
const podOf = (e: CiliumEndpoint) => {
  const x = e.status?.["external-identifiers"];
  return x?.["k8s-namespace"] && x["k8s-pod-name"] ? `${x["k8s-namespace"]}/${x["k8s-pod-name"]}` : x?.["pod-name"];
};
const modeOf = (e: CiliumEndpoint) => e.status?.policy?.realized?.["policy-enabled"] ?? "(no realized policy)";

/** Labels as the agent writes them: every app selector label and the pod's namespace, from the k8s source. */
function carriesAppIdentity(e: CiliumEndpoint, t: EgressTarget): boolean {
  const labels = e.status?.identity?.labels ?? [];
  const want = [`k8s:io.kubernetes.pod.namespace=${t.namespace}`, ...Object.entries(t.labels).map(([k, v]) => `k8s:${k}=${v}`)];
  return want.every((l) => labels.includes(l));
}

/**
 * Enforcing when every running app pod has an endpoint that carries the
 * app's identity labels and whose realized policy enforces egress; audit
 * mode on any of them fails at once; anything else is "not yet", naming
 * each pod's state.
 */
export function judgeEgressEnforcing(endpoints: readonly CiliumEndpoint[], t: EgressTarget): EgressDecision {
  if (!t.pods.length) return { kind: "waiting", detail: `no running pod of the app in ${t.namespace}` };
  const states = t.pods.map((pod) => {
    const e = endpoints.find((x) => podOf(x) === `${t.namespace}/${pod}`);
    if (!e) return { pod, ok: false, audit: false, text: `${pod}: no Cilium endpoint yet` };
    const mode = modeOf(e);
    const id = `${pod} (endpoint ${e.id ?? "?"}, identity ${e.status?.identity?.id ?? "?"})`;
    if (!carriesAppIdentity(e, t)) return { pod, ok: false, audit: false, text: `${id}: identity labels lack the app's (${(e.status?.identity?.labels ?? []).join(", ") || "none"})` };
    return { pod, ok: ENFORCING.has(mode), audit: mode.startsWith("audit-"), text: `${id}: policy-enabled ${mode}` };
  });
  const detail = states.map((s) => s.text).join("; ");
  if (states.some((s) => s.audit)) return { kind: "refused", detail: `${detail}: the endpoint is in policy audit mode, so a denied packet is forwarded, not dropped` };
  return states.every((s) => s.ok) ? { kind: "enforcing", detail } : { kind: "waiting", detail };
}

/** The command's run, as kubectl returned it. */
export interface EndpointListRun {
  command: readonly string[];
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * One look: a missing CLI or output that is not the endpoint list is refused
 * at once (waiting will not change either); another failure (the agent
 * restarting, its API not up yet) is "not yet"; otherwise judgeEgressEnforcing.
 */
export function decideEgressEnforcing(r: EndpointListRun, t: EgressTarget): EgressDecision {
  const ran = `\`${r.command.join(" ")}\``;
  const last = r.stderr.trim().split("\n").at(-1) ?? "";
  if (r.exitCode !== 0) {
    const missing = r.exitCode === 126 || r.exitCode === 127 || /executable file not found/.test(r.stderr);
    return { kind: missing ? "refused" : "waiting", detail: `${ran} exited ${r.exitCode}: ${last}` };
  }
  const parsed = parseEndpointList(r.stdout);
  if ("error" in parsed) return { kind: "refused", detail: `${ran}: ${parsed.error}` };
  return judgeEgressEnforcing(parsed.endpoints, t);
}

/** Names of the pods that run now (phase Running, not being deleted). */
export function runningPods(pods: readonly { metadata?: { name?: string; deletionTimestamp?: unknown }; status?: { phase?: string } }[]): string[] {
  return pods.filter((p) => !p.metadata?.deletionTimestamp && p.status?.phase === "Running" && p.metadata?.name).map((p) => p.metadata!.name!);
}
