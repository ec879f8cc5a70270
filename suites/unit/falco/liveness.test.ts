import { describe, expect, it } from "vitest";
import { parseFalcoStream } from "../../../harness/falco/alert.ts";
import { markerMetadataProblem } from "../../../harness/attack/falco-liveness.ts";
import { loadRulesFile, conditionSymbols, outputFields } from "../../../harness/falco/rules-file.ts";
import { POD, T0, alertLine } from "../../support/falco-samples.ts";

const MARKER = "SecretProof - Stream Liveness Marker";
const marker = (over: { pod?: string | null; ns?: string | null } = {}) =>
  parseFalcoStream(alertLine({ rule: MARKER, priority: "Notice", ms: T0, cmdline: "true secretproof-marker-x", file: null, tag: "MARKER", ...over })).alerts[0]!;

describe("the Falco liveness marker proves the container plugin's Kubernetes metadata, naming the plugin when it is missing", () => {
  it("accepts a marker from the app container with the app pod's namespace and name", () => {
    expect(markerMetadataProblem(marker(), POD)).toBeUndefined();
  });

  it("names the container plugin and its pinned version when k8s.ns.name / k8s.pod.name are null", () => {
    expect(markerMetadataProblem(marker({ pod: null, ns: null }), POD)).toBe(
      "Falco's marker alert from the app container 9c45982d256e (pod test-dynamic/secure-test-app-7d9f8c6b5-x2x9q) has k8s.ns.name null, k8s.pod.name null: " +
        "the container plugin (falcosecurity/plugins container, ghcr.io/falcosecurity/plugins/plugin/container:0.7.1) resolved no Kubernetes metadata for it " +
        "from the container runtime's CRI socket; look for the plugin's errors in `kubectl -n falco logs ds/falco -c falco` and check its CRI socket mount",
    );
    expect(markerMetadataProblem(marker({ pod: null }), POD)).toMatch(/k8s.pod.name null: the container plugin/);
  });

  it("says so when the metadata names another pod", () => {
    expect(markerMetadataProblem(marker({ pod: "other-pod" }), POD)).toMatch(/k8s.pod.name "other-pod", not the app pod's/);
  });
});

describe("the marker rule does not depend on the metadata it is used to check", () => {
  const rule = loadRulesFile().rules.find((r) => r.rule === MARKER);

  it("matches a marker exec in any container, by its arguments, without a namespace or any k8s field", () => {
    const s = conditionSymbols(rule?.condition ?? "");
    expect(rule?.condition).toMatch(/container\.id != host/);
    expect(rule?.condition).toMatch(/proc\.args startswith "secretproof-marker-"/);
    expect(s.fields.filter((f) => f.startsWith("k8s."))).toEqual([]);
    expect(s.macros).not.toContain("secretproof_app_namespace");
  });

  it("still outputs the pod's namespace, name and container id for the check", () => {
    expect(outputFields(rule?.output ?? "")).toEqual(expect.arrayContaining(["k8s.ns.name", "k8s.pod.name", "container.id"]));
  });
});
