import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { loadCatalogue } from "../../../harness/attack/catalogue.ts";
import { ruleNames } from "../../../harness/falco/rules-file.ts";
import { policySchemaProblems } from "../../../harness/tetragon/policy-schema.ts";
import { loadPolicy, policyText, selectsPod } from "../../../harness/tetragon/policy.ts";
import { versions } from "../../../clusters/versions.ts";
import { renderAppDeployment } from "../../../fixtures/manifests/app-deployment.ts";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests mutate parsed YAML freely
type Doc = any;

const policy = loadPolicy();
const fresh = (): Doc => parse(policyText());
const kprobe = () => (policy.spec as { kprobes: Record<string, unknown>[] }).kprobes[0] as Doc;

describe("TracingPolicyNamespaced block-secret-readers", () => {
  it("validates against the strict schema written from the Tetragon 1.7.0 CRD", () => {
    expect(policySchemaProblems(policy)).toEqual([]);
  });

  it.each([
    ["matchPID", (d: Doc) => (d.spec.kprobes[0].selectors[0].matchPID = d.spec.kprobes[0].selectors[0].matchPIDs)],
    ["isNamespacePid", (d: Doc) => (d.spec.kprobes[0].selectors[0].matchPIDs[0].isNamespacePid = true)],
    ["followFork", (d: Doc) => (d.spec.kprobes[0].selectors[0].matchPIDs[0].followFork = false)],
    ["matchProcessAncestors", (d: Doc) => (d.spec.kprobes[0].selectors[0].matchProcessAncestors = [])],
    ["operator In on matchArgs", (d: Doc) => (d.spec.kprobes[0].selectors[0].matchArgs[0].operator = "In")],
    ["action SigKill", (d: Doc) => (d.spec.kprobes[0].selectors[0].matchActions[0].action = "SigKill")],
    ["hostSelector", (d: Doc) => (d.spec.hostSelector = {})],
    ["arg type File", (d: Doc) => (d.spec.kprobes[0].args[0].type = "File")],
    ["kind TracingPolicy", (d: Doc) => (d.kind = "TracingPolicy")],
  ])("rejects a policy with %s instead of letting the API server prune it", (_name, mutate) => {
    const d = fresh();
    mutate(d);
    expect(policySchemaProblems(d).length).toBeGreaterThan(0);
  });

  it("hooks security_file_open (an LSM hook, not a syscall) on its file argument", () => {
    expect(kprobe().call).toBe("security_file_open");
    expect(kprobe().syscall).toBe(false);
    expect(kprobe().args).toEqual([{ index: 0, type: "file" }]);
  });

  it("matches every file under /mnt/secrets/ by Prefix, because the CSI writer's real path is /mnt/secrets/..<ts>/<file>", () => {
    const sel = kprobe().selectors;
    expect(sel).toHaveLength(1);
    expect(sel[0].matchArgs).toEqual([{ index: 0, operator: "Prefix", values: ["/mnt/secrets/"] }]);
  });

  it("spares only the container's PID 1, by namespace PID and without following forks", () => {
    expect(kprobe().selectors[0].matchPIDs).toEqual([{ operator: "NotIn", values: [1], isNamespacePID: true, followForks: false }]);
    expect(kprobe().selectors[0].matchBinaries).toBeUndefined();
  });

  it("kills with Sigkill alone, so the open returns and Falco still records it", () => {
    expect(kprobe().selectors[0].matchActions).toEqual([{ action: "Sigkill" }]);
    expect(policy.spec.options).toEqual([{ name: "policy-mode", value: "enforce" }]);
  });

  it("is namespaced to the app and selects the pods the app Deployment creates", () => {
    const deployment = renderAppDeployment(versions.images.app);
    const podLabels = { ...deployment.spec?.template.metadata?.labels, "pod-template-hash": "x" };
    expect(policy.kind).toBe("TracingPolicyNamespaced");
    expect(policy.metadata.namespace).toBe(deployment.metadata?.namespace);
    expect(selectsPod(policy, podLabels)).toBe(true);
    expect(selectsPod(policy, { ...podLabels, "app.kubernetes.io/name": "other" })).toBe(false);
  });

  it("is declared for every catalogue entry: each one says whether Tetragon kills it", () => {
    const cat = loadCatalogue(ruleNames());
    for (const a of cat.attacks) expect(["kill", "spare"], a.id).toContain(a.enforcement.tetragon);
    const killed = cat.attacks.filter((a) => a.enforcement.tetragon === "kill");
    expect(killed.every((a) => a.target?.startsWith("/mnt/secrets/"))).toBe(true);
  });
});
