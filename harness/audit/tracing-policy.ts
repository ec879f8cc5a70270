import { type LabelSelector, selectsLabels } from "./label-selector.ts";
import type { WorkloadPlacement } from "./agents.ts";

export interface Selector {
  matchArgs?: { index?: number; operator?: string; values?: string[] }[];
  matchActions?: { action?: string }[];
}

/** A TracingPolicy or TracingPolicyNamespaced (cilium.io/v1alpha1) as `kubectl get -o json` lists it, the fields read here. */
export interface TracingPolicyJson {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  spec?: {
    podSelector?: LabelSelector | null;
    containerSelector?: LabelSelector | null;
    hostSelector?: LabelSelector | null;
    options?: { name?: string; value?: string }[];
    kprobes?: { call?: string; selectors?: Selector[] }[];
    lsmhooks?: { hook?: string; selectors?: Selector[] }[];
    fentries?: { call?: string; selectors?: Selector[] }[];
  };
}

/** One hook's selector that kills (Sigkill) on a path under the mount. */
export interface Kill {
  hook: string;
  /** "the mount" when a Prefix covers every file under it, else the covered paths. */
  covers: "mount" | string[];
}

export interface PolicyFinding {
  kind: string;
  name: string;
  namespace?: string;
  /** Whether its namespace, podSelector and containerSelector select every workload pod and the audited container. */
  selects: boolean;
  why: string;
  /** policy-mode; Tetragon enforces when the option is absent (cilium/tetragon v1.7.0 pkg/policyconf/policyconf.go:22, EnforceMode = 0; pkg/sensors/tracing/options.go:87-93). */
  mode: string;
  kills: Kill[];
}

/** What of the mount a selector's matchArgs reach (Prefix/Equal): all of it ("mount", also with no matchArgs), some files, or nothing. */
export function covered(sel: Selector, mountPath: string): Kill["covers"] | undefined {
  const dir = mountPath.endsWith("/") ? mountPath : `${mountPath}/`;
  if (!sel.matchArgs?.length) return "mount";
  const paths: string[] = [];
  for (const a of sel.matchArgs) {
    for (const v of a.values ?? []) {
      if (a.operator === "Prefix" && dir.startsWith(v)) return "mount";
      if ((a.operator === "Prefix" || a.operator === "Equal") && v.startsWith(dir)) paths.push(v);
    }
  }
  return paths.length ? paths : undefined;
}

/** Whether the selector's actions include Sigkill; Tetragon reads an action name case-insensitively (cilium/tetragon v1.7.0 pkg/selectors/kernel.go:397-398). */
export function sigkills(sel: Selector): boolean {
  return sel.matchActions?.some((a) => a.action?.toLowerCase() === "sigkill") ?? false;
}

function killsOf(spec: NonNullable<TracingPolicyJson["spec"]>, mountPath: string): Kill[] {
  const calls = [...(spec.kprobes ?? []), ...(spec.fentries ?? [])].map((k) => ({ hook: k.call ?? "?", selectors: k.selectors ?? [] }));
  const hooks = [...calls, ...(spec.lsmhooks ?? []).map((k) => ({ hook: k.hook ?? "?", selectors: k.selectors ?? [] }))];
  const out: Kill[] = [];
  for (const h of hooks) {
    for (const sel of h.selectors) {
      if (!sigkills(sel)) continue;
      const covers = covered(sel, mountPath);
      if (covers) out.push({ hook: h.hook, covers });
    }
  }
  return out;
}

function selection(p: TracingPolicyJson, workload: { namespace: string; container: string; pods: readonly WorkloadPlacement[] }): { selects: boolean; why: string } {
  const spec = p.spec ?? {};
  const ns = p.metadata?.namespace;
  if (p.kind === "TracingPolicyNamespaced" && ns !== workload.namespace) return { selects: false, why: `it is in namespace ${ns}, not ${workload.namespace}` };
  // Only a host selector: the policy watches host processes, no pod (pkg/sensors/k8s.go:40-81).
  if (spec.hostSelector && !spec.podSelector && !spec.containerSelector) return { selects: false, why: "it selects host processes only (hostSelector without podSelector)" };
  const missed = workload.pods.filter((w) => !selectsLabels(spec.podSelector, { ...w.labels }));
  if (workload.pods.length === 0) return { selects: false, why: "the workload has no pods to match its podSelector against" };
  if (missed.length) return { selects: false, why: `its podSelector does not select pods ${missed.map((m) => m.name).join(", ")}` };
  // Tetragon matches a containerSelector against {name, repo} (pkg/policyfilter/state.go:212-218); the repo is not read here.
  if (!selectsLabels(spec.containerSelector, { name: workload.container })) return { selects: false, why: `its containerSelector does not select container ${workload.container}` };
  return { selects: true, why: spec.podSelector ? "its podSelector selects every workload pod" : "it has no podSelector, so it applies to every pod it can see" };
}

/** What each policy does to the workload: whether it selects it, its mode, and its kills on paths under the mount. Pure. */
export function policyFindings(policies: readonly TracingPolicyJson[], workload: { namespace: string; container: string; pods: readonly WorkloadPlacement[] }, mountPath: string): PolicyFinding[] {
  return policies.map((p) => {
    const mode = p.spec?.options?.find((o) => o.name === "policy-mode")?.value ?? "enforce";
    const ns = p.metadata?.namespace;
    return { kind: p.kind ?? "?", name: p.metadata?.name ?? "?", ...(ns ? { namespace: ns } : {}), ...selection(p, workload), mode, kills: killsOf(p.spec ?? {}, mountPath) };
  });
}

const label = (f: PolicyFinding) => `${f.kind} ${f.namespace ? `${f.namespace}/` : ""}${f.name}`;

/** The policies that select the workload, enforce, and kill readers of every file under the mount. Pure. */
export function enforcing(findings: readonly PolicyFinding[]): PolicyFinding[] {
  return findings.filter((f) => f.selects && f.mode === "enforce" && f.kills.some((k) => k.covers === "mount"));
}

/** One sentence: the policy that kills the workload's readers, or why none does. Pure. */
export function describePolicies(findings: readonly PolicyFinding[], mountPath: string): { ok: boolean; text: string } {
  const good = enforcing(findings);
  if (good.length) {
    const hooks = (f: PolicyFinding) => [...new Set(f.kills.filter((k) => k.covers === "mount").map((k) => k.hook))].join(", ");
    return { ok: true, text: good.map((f) => `policy ${label(f)} selects the workload and kills (Sigkill) processes that ${hooks(f)} a path under ${mountPath}`).join("; ") };
  }
  if (!findings.length) return { ok: false, text: "no TracingPolicy or TracingPolicyNamespaced exists" };
  const why = findings.map((f) => {
    if (!f.selects) return `${label(f)} does not select the workload: ${f.why}`;
    if (f.mode !== "enforce") return `${label(f)} is in policy-mode ${f.mode}, so it kills nothing`;
    const partial = f.kills.flatMap((k) => (k.covers === "mount" ? [] : k.covers));
    return partial.length ? `${label(f)} kills readers of ${partial.join(", ")} only, not every file under ${mountPath}` : `${label(f)} has no Sigkill on a path under ${mountPath}`;
  });
  return { ok: false, text: `no policy kills the workload's readers of ${mountPath}: ${why.join("; ")}` };
}
