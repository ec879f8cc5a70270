import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentsEvidence, collectAgents, presenceFindings } from "../../../harness/audit/agents-audit.ts";
import { agentCoverage, placementOf, type PodJson } from "../../../harness/audit/agents.ts";
import { selectsLabels } from "../../../harness/audit/label-selector.ts";
import { parseTarget, type AuditTarget } from "../../../harness/audit/target.ts";
import { describePolicies, policyFindings, type TracingPolicyJson } from "../../../harness/audit/tracing-policy.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit");
const json = <T>(name: string) => JSON.parse(readFileSync(join(FIXTURES, "kubectl", name), "utf8")) as T;
type List<T> = { items: T[] };
const example = parseTarget(readFileSync(join(FIXTURES, "target.example.yaml"), "utf8"), "example");
/** The example target pointed at the kind stack's names (clusters/names.ts), which the recorded answers use. */
const target: AuditTarget = {
  ...example,
  workload: { namespace: "test-dynamic", kind: "Deployment", name: "secure-test-app", container: "web" },
  falco: { namespace: "falco", selector: "app.kubernetes.io/name=falco", container: "falco" },
  tetragon: { namespace: "kube-system", selector: "app.kubernetes.io/name=tetragon", container: "export-stdout" },
};
const workloadPods = json<List<PodJson>>("workload-pods.json");
const falcoPods = json<List<PodJson>>("falco-pods.json");
const tetragonPods = json<List<PodJson>>("tetragon-pods.json");
const namespaced = json<List<TracingPolicyJson>>("tracingpoliciesnamespaced.json").items;
const clusterWide = json<List<TracingPolicyJson>>("tracingpolicies.json").items;
const placement = placementOf(workloadPods);
const scope = { namespace: "test-dynamic", container: "web", pods: placement };

describe("agent presence on the workload's nodes (recorded kubectl pod lists)", () => {
  it("each node running a workload pod must have a Ready agent pod there; a not-Ready one is named with its node and the workload pods on it", () => {
    const nodes = agentCoverage(placement, falcoPods, "falco");
    expect(nodes.map((n) => [n.node, n.agentPod, n.ready])).toEqual([
      ["secretproof-worker", "falco-2kd8v", true],
      ["secretproof-worker2", "falco-7qj4m", false],
    ]);
    expect(nodes[1]!.problem).toBe("pod falco-7qj4m is not Ready (phase Running, Ready False)");
  });

  it("an agent Ready on every workload node is reported with its pods; a node without an agent pod is named", () => {
    expect(agentCoverage(placement, tetragonPods, "export-stdout").every((n) => n.ready)).toBe(true);
    const one = { items: tetragonPods.items.slice(0, 1) };
    expect(agentCoverage(placement, one, "export-stdout")[1]).toMatchObject({ node: "secretproof-worker2", ready: false, problem: "no agent pod runs on node secretproof-worker2" });
  });

  it("a Ready pod whose named container is absent does not count", () => {
    expect(agentCoverage(placement, tetragonPods, "tetragon")[0]!.problem).toBe("pod tetragon-5wq9c has no container tetragon");
  });
});

describe("TracingPolicy selection (recorded cilium.io/v1alpha1 lists)", () => {
  it("the suite's namespaced policy selects both replicas, enforces, and kills security_file_open under the mount", () => {
    const [f] = policyFindings(namespaced, scope, "/mnt/secrets");
    expect(f).toMatchObject({ kind: "TracingPolicyNamespaced", name: "secretproof-block-secret-readers", selects: true, mode: "enforce", kills: [{ hook: "security_file_open", covers: "mount" }] });
    expect(describePolicies([f!], "/mnt/secrets")).toEqual({ ok: true, text: "policy TracingPolicyNamespaced test-dynamic/secretproof-block-secret-readers selects the workload and kills (Sigkill) processes that security_file_open a path under /mnt/secrets" });
  });

  it("a policy in monitor mode, in another namespace, or selecting other labels does not count, each with its reason", () => {
    const findings = policyFindings([...clusterWide, { ...namespaced[0]!, metadata: { name: "elsewhere", namespace: "other" } }], scope, "/mnt/secrets");
    const d = describePolicies(findings, "/mnt/secrets");
    expect(d.ok).toBe(false);
    expect(d.text).toContain("TracingPolicy monitor-secret-opens is in policy-mode monitor, so it kills nothing");
    expect(d.text).toContain("TracingPolicyNamespaced other/elsewhere does not select the workload: it is in namespace other, not test-dynamic");
    const relabelled = placement.map((p, i) => (i === 1 ? { ...p, labels: { "app.kubernetes.io/name": "canary" } } : p));
    expect(policyFindings(namespaced, { ...scope, pods: relabelled }, "/mnt/secrets")[0]!.why).toBe("its podSelector does not select pods secure-test-app-7c9d8b5f6d-9mzt7");
  });

  it("a Prefix naming one file covers only that file; no Sigkill covers nothing", () => {
    const spec = namespaced[0]!.spec!;
    const oneFile = { ...namespaced[0]!, spec: { ...spec, kprobes: [{ call: "security_file_open", selectors: [{ matchArgs: [{ index: 0, operator: "Prefix", values: ["/mnt/secrets/db-password"] }], matchActions: [{ action: "sigkill" }] }] }] } };
    expect(policyFindings([oneFile], scope, "/mnt/secrets")[0]!.kills).toEqual([{ hook: "security_file_open", covers: ["/mnt/secrets/db-password"] }]);
    const post = { ...namespaced[0]!, spec: { ...spec, kprobes: [{ call: "security_file_open", selectors: [{ matchActions: [{ action: "Post" }] }] }] } };
    expect(describePolicies(policyFindings([post], scope, "/mnt/secrets"), "/mnt/secrets").text).toMatch(/has no Sigkill on a path under \/mnt\/secrets/);
  });

  it("label selectors: matchExpressions In/NotIn/Exists/DoesNotExist, an empty or absent selector selects all, an unknown operator none", () => {
    const l = { a: "1", b: "2" };
    expect(selectsLabels({ matchExpressions: [{ key: "a", operator: "In", values: ["1"] }, { key: "c", operator: "DoesNotExist" }] }, l)).toBe(true);
    expect(selectsLabels({ matchExpressions: [{ key: "b", operator: "NotIn", values: ["2"] }] }, l)).toBe(false);
    expect(selectsLabels({ matchExpressions: [{ key: "c", operator: "Exists" }] }, l)).toBe(false);
    expect(selectsLabels({}, l) && selectsLabels(undefined, l)).toBe(true);
    expect(selectsLabels({ matchExpressions: [{ key: "a", operator: "Gt", values: ["0"] }] }, l)).toBe(false);
  });
});

describe("the audit's agent findings", () => {
  it("collects with get/list only and states per claim what it found and what only --attack proves", async () => {
    const asked: string[] = [];
    const answers: Record<string, unknown> = {
      "-n test-dynamic get deployment secure-test-app": json("deployment.json"),
      "-n test-dynamic get pods -l app.kubernetes.io/name=secure-test-app": workloadPods,
      "-n falco get pods -l app.kubernetes.io/name=falco": falcoPods,
      "-n kube-system get pods -l app.kubernetes.io/name=tetragon": tetragonPods,
      "get tracingpolicies.cilium.io": { items: clusterWide },
      "-n test-dynamic get tracingpoliciesnamespaced.cilium.io": { items: namespaced },
    };
    const kube = { json: async <T>(args: readonly string[]) => {
      asked.push(args.join(" "));
      if (!(args.join(" ") in answers)) throw new Error(`unexpected kubectl ${args.join(" ")}`);
      return answers[args.join(" ")] as T;
    } };
    const e = await collectAgents(kube, target, "2026-12-01T16:10:00.000Z");
    for (const a of asked) expect(a).toMatch(/^(-n \S+ )?get /);
    const f = presenceFindings(e);
    expect(f.T1).toBe(
      "found: Tetragon runs Ready on node secretproof-worker (pod tetragon-5wq9c), node secretproof-worker2 (pod tetragon-h7n2d); " +
        "policy TracingPolicyNamespaced test-dynamic/secretproof-block-secret-readers selects the workload and kills (Sigkill) processes that security_file_open a path under /mnt/secrets; the kill is proven only with --attack",
    );
    expect(f.F1).toMatch(/^found: Falco is not running Ready on every node of the workload: node secretproof-worker2 \(workload pods secure-test-app-7c9d8b5f6d-9mzt7\): pod falco-7qj4m is not Ready/);
  });

  it("a CRD that is not installed or an agent that is absent is said so, not skipped", () => {
    const e = agentsEvidence("t", { ...target, falco: { absent: true } }, { workload: workloadPods, tetragon: tetragonPods, policies: { unreadable: "listing TracingPolicies (cilium.io/v1alpha1): error: the server doesn't have a resource type \"tracingpolicies\"" } });
    const f = presenceFindings(e);
    expect(f.F2).toBe("found: Falco is absent (target); the alert is proven only with --attack");
    expect(f.T1).toMatch(/the TracingPolicies could not be read: .*doesn't have a resource type/);
  });
});
