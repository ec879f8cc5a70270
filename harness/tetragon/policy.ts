import { readFileSync } from "node:fs";
import { parse, stringify } from "yaml";
import type { Kubectl } from "../kube/kubectl.ts";

export const POLICY_PATH = new URL("../../fixtures/tetragon/block-secret-readers.yaml", import.meta.url);
export const POLICY_RESOURCE = "tracingpoliciesnamespaced.cilium.io";

export interface TracingPolicyDoc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  spec: { podSelector?: { matchLabels?: Record<string, string> } } & Record<string, unknown>;
}

export function policyText(): string {
  return readFileSync(POLICY_PATH, "utf8");
}

export function loadPolicy(): TracingPolicyDoc {
  return parse(policyText()) as TracingPolicyDoc;
}

/** True when every matchLabels entry of the policy's podSelector is on the pod. */
export function selectsPod(policy: TracingPolicyDoc, labels: Readonly<Record<string, string>>): boolean {
  const want = policy.spec.podSelector?.matchLabels ?? {};
  return Object.entries(want).every(([k, v]) => labels[k] === v);
}

/** Names of our TracingPolicyNamespaced objects present in the namespace (none when the CRD is absent). */
export async function policiesPresent(kube: Kubectl, namespace: string): Promise<string[]> {
  const r = await kube.run(["-n", namespace, "get", POLICY_RESOURCE, "-o", "json"], { okExitCodes: [1] });
  if (r.exitCode !== 0) {
    if (/the server doesn't have a resource type/.test(r.stderr)) return [];
    throw new Error(`${r.command} failed: ${r.stderr.trim()}`);
  }
  const list = JSON.parse(r.stdout) as { items: { metadata: { name: string } }[] };
  return list.items.map((i) => i.metadata.name);
}

export interface PolicyStatus {
  name: string;
  namespace?: string;
  /** e.g. "TP_STATE_ENABLED"; absent when UNKNOWN (proto3 zero value). */
  state?: string;
  /** e.g. "TP_MODE_ENFORCE"; absent when UNKNOWN. */
  mode?: string;
  error?: string;
}

/**
 * The policies in `tetra tracingpolicy list -o json` output: protojson with
 * proto field names (cilium/tetragon v1.7.0 cmd/tetra/tracingpolicy/tracingpolicy.go:209-210,
 * api/v1/tetragon/sensors.pb.json.go:98-101), so `state`, `mode` and `error`
 * as in api/v1/tetragon/sensors.proto:84-109, enums by name, empty fields
 * omitted. `command` names what printed it, for the error.
 */
export function parsePolicyList(stdout: string, command: string): PolicyStatus[] {
  try {
    return (JSON.parse(stdout) as { policies?: PolicyStatus[] }).policies ?? [];
  } catch (err) {
    throw new Error(`${command} did not print JSON: ${stdout.slice(0, 200)}`, { cause: err });
  }
}

/** `tetra tracingpolicy list -o json` in the agent: the policies the agent has loaded. */
export async function tetraPolicies(kube: Pick<Kubectl, "exec">, agentNamespace = "kube-system", agent = "ds/tetragon", container = "tetragon"): Promise<PolicyStatus[]> {
  const r = await kube.exec(agentNamespace, agent, ["tetra", "tracingpolicy", "list", "-o", "json"], { container });
  return parsePolicyList(r.stdout, r.command);
}

export function findStatus(list: readonly PolicyStatus[], p: TracingPolicyDoc): PolicyStatus | undefined {
  return list.find((s) => s.name === p.metadata.name && (s.namespace ?? "") === p.metadata.namespace);
}

/** Applies the policy file, or `p` (the policy a mutation changed: fixtures/mutations.yaml). */
export async function applyPolicy(kube: Kubectl, p?: TracingPolicyDoc): Promise<void> {
  await kube.apply(p ? stringify(p) : policyText());
}

export async function deletePolicy(kube: Kubectl, p: TracingPolicyDoc = loadPolicy()): Promise<void> {
  await kube.run(["-n", p.metadata.namespace, "delete", POLICY_RESOURCE, p.metadata.name, "--ignore-not-found", "--wait=true"]);
}
