import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { RUN_ID_LABEL } from "../../../clusters/names.ts";
import { placementOf, type PodJson } from "../../../harness/audit/agents.ts";
import { generatedPolicyName, nameTakenProblem, preparePolicy, readPolicyFile, sha256Of } from "../../../harness/audit/policy-file.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { policyText } from "../../../harness/tetragon/policy.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit/kubectl");
const pods = placementOf(JSON.parse(readFileSync(join(FIXTURES, "workload-pods.json"), "utf8")) as { items: PodJson[] });
/** The kind cluster's target: its workload is the one the recorded pods and the project's policy select. */
const target = kindTarget("secretproof");
const RUN = "20261201T184700Z-a1b2c3";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
/** The project's policy file, changed by `edit`, as a file's text. */
const file = (edit: (d: Doc) => void = () => {}) => {
  const d = parse(policyText()) as Doc;
  edit(d);
  return stringify(d);
};
const prepare = (text: string) => preparePolicy(readPolicyFile(text, "policy.yaml"), target, { pods }, RUN);

describe("--apply-policy FILE is checked before anything is applied", () => {
  it("accepts the project's policy for the kind workload: the given name, the run-id label, and the sha256 of the file and of the object as sent", () => {
    const text = file();
    const p = prepare(text);
    expect(p.doc.metadata).toMatchObject({ name: "secretproof-block-secret-readers", namespace: "test-dynamic" });
    expect(p.doc.metadata.labels).toMatchObject({ [RUN_ID_LABEL]: RUN, "app.kubernetes.io/managed-by": "secretproof" });
    expect(p.generatedName).toBe(false);
    expect(p.fileSha256).toBe(sha256Of(text));
    expect(p.sha256).toBe(sha256Of(p.yaml));
    expect(parse(p.yaml)).toEqual(p.doc);
  });

  it("names a policy that has no name after the run, and puts one without a namespace in the workload's", () => {
    const p = prepare(file((d) => {
      delete d.metadata.name;
      delete d.metadata.namespace;
    }));
    expect(p.doc.metadata.name).toBe(generatedPolicyName(RUN));
    expect(p.doc.metadata.name).toBe("secretproof-audit-20261201t184700z-a1b2c3");
    expect(p.doc.metadata.namespace).toBe("test-dynamic");
    expect(p.generatedName).toBe(true);
  });

  it("refuses a cluster-scoped TracingPolicy: the auditor's role gets namespaced verbs only", () => {
    expect(() => prepare(file((d) => (d.kind = "TracingPolicy")))).toThrow(
      "--apply-policy policy.yaml is refused, nothing was applied: the policy is a cluster-scoped TracingPolicy; the auditor's role gets namespaced verbs only " +
        "(create and delete tracingpoliciesnamespaced.cilium.io in test-dynamic), so write it as a TracingPolicyNamespaced in namespace test-dynamic",
    );
  });

  it("refuses another kind, and another apiVersion", () => {
    expect(() => prepare(file((d) => (d.kind = "CiliumNetworkPolicy")))).toThrow(/the policy is kind "CiliumNetworkPolicy", not TracingPolicyNamespaced \(cilium.io\/v1alpha1\)/);
    expect(() => prepare(file((d) => (d.apiVersion = "cilium.io/v1")))).toThrow(/has apiVersion "cilium.io\/v1"; a TracingPolicyNamespaced is cilium.io\/v1alpha1/);
  });

  it("refuses a policy in another namespace than the workload's", () => {
    expect(() => prepare(file((d) => (d.metadata.namespace = "payments")))).toThrow(/the policy is in namespace "payments", not the workload's test-dynamic \(target.workload.namespace\)/);
  });

  it("refuses what the project's strict schema refuses, naming the field", () => {
    expect(() => prepare(file((d) => (d.spec.kprobes[0].selectors[0].matchActionz = [])))).toThrow(
      /does not match secretproof's strict TracingPolicyNamespaced schema .*: \/spec\/kprobes\/0\/selectors\/0 must NOT have additional properties \(matchActionz\)/,
    );
  });

  it("refuses a policy that does not select the workload's pods", () => {
    expect(() => prepare(file((d) => (d.spec.podSelector.matchLabels = { "app.kubernetes.io/name": "other-app" })))).toThrow(
      /does not select the workload: its podSelector does not select pods secure-test-app-7c9d8b5f6d-4x2kq, secure-test-app-7c9d8b5f6d-9mzt7/,
    );
  });

  it("refuses a policy without a Sigkill, one that kills readers of other paths only, and one in monitor mode", () => {
    expect(() => prepare(file((d) => (d.spec.kprobes[0].selectors[0].matchActions = [{ action: "Post" }])))).toThrow(/has no Sigkill on a path under \/mnt\/secrets/);
    expect(() => prepare(file((d) => (d.spec.kprobes[0].selectors[0].matchArgs[0].values = ["/etc/"])))).toThrow(/has no Sigkill on a path under \/mnt\/secrets/);
    expect(() => prepare(file((d) => (d.spec.kprobes[0].selectors[0].matchArgs[0].values = ["/mnt/secrets/db-password"])))).toThrow(/kills readers of \/mnt\/secrets\/db-password only/);
    expect(() => prepare(file((d) => (d.spec.options[0].value = "monitor")))).toThrow(/is in policy-mode monitor, so it kills nothing/);
  });

  it("refuses a file that is not one YAML mapping", () => {
    expect(() => readPolicyFile(`${file()}---\n${file()}`, "two.yaml")).toThrow("--apply-policy two.yaml: holds 2 YAML documents; give exactly one TracingPolicyNamespaced");
    expect(() => readPolicyFile("kind: [", "bad.yaml")).toThrow(/^--apply-policy bad.yaml: is not YAML/);
    expect(() => readPolicyFile("- a\n", "list.yaml")).toThrow("--apply-policy list.yaml: is not a mapping; give one TracingPolicyNamespaced");
  });

  it("refuses a name a policy in the namespace already has, and accepts it when free", () => {
    const p = prepare(file());
    expect(nameTakenProblem(p, ["other", "secretproof-block-secret-readers"])).toBe(
      "--apply-policy policy.yaml is refused, nothing was applied: a TracingPolicyNamespaced named secretproof-block-secret-readers already exists in test-dynamic, " +
        "and the audit never overwrites or deletes a policy it did not create; give the policy a name no policy in the namespace has, or leave metadata.name out to have one generated",
    );
    expect(nameTakenProblem(p, ["other"])).toBeUndefined();
  });
});
