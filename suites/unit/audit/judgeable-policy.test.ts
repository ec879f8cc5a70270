import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { placementOf, type PodJson } from "../../../harness/audit/agents.ts";
import { unjudgeableKillProblem } from "../../../harness/audit/judgeable-policy.ts";
import { preparePolicy, readPolicyFile } from "../../../harness/audit/policy-file.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { policyText } from "../../../harness/tetragon/policy.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit/kubectl");
const pods = placementOf(JSON.parse(readFileSync(join(FIXTURES, "workload-pods.json"), "utf8")) as { items: PodJson[] });
const target = kindTarget("secretproof");

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const file = (edit: (d: Doc) => void = () => {}) => {
  const d = parse(policyText()) as Doc;
  edit(d);
  return stringify(d);
};
const prepare = (text: string) => preparePolicy(readPolicyFile(text, "policy.yaml"), target, { pods }, "20261201T184700Z-a1b2c3");
const WHY = /which the audit could enforce but not judge: T1 is judged from security_file_open kprobe events whose first argument is the file .*fixtures\/tetragon\/block-secret-readers.yaml/;

describe("--apply-policy refuses a policy whose kills T1 cannot judge", () => {
  it("accepts the project's own policy file: a security_file_open kprobe, file arg 0, matchArgs index 0 Prefix on the mount", () => {
    expect(() => prepare(file())).not.toThrow();
    expect(unjudgeableKillProblem((parse(policyText()) as Doc).spec, "/mnt/secrets")).toBeUndefined();
  });

  it("refuses Tetragon's documented file-access hook security_file_permission, naming the hook and why", () => {
    expect(() => prepare(file((d) => (d.spec.kprobes[0].call = "security_file_permission")))).toThrow(WHY);
    expect(() => prepare(file((d) => (d.spec.kprobes[0].call = "security_file_permission")))).toThrow(/kills with a Sigkill on the kprobe security_file_permission,/);
  });

  it("refuses a Sigkill with no matchArgs (it kills every open), and one matching another argument than the file", () => {
    expect(() => prepare(file((d) => delete d.spec.kprobes[0].selectors[0].matchArgs))).toThrow(/without matchArgs \(it kills every open, not readers of the mount\)/);
    expect(() => prepare(file((d) => (d.spec.kprobes[0].selectors[0].matchArgs[0].index = 1)))).toThrow(/whose matchArgs do not match argument 0 \(the file\)/);
  });

  it("refuses a security_file_open kprobe whose argument 0 is not of type file", () => {
    expect(() => prepare(file((d) => (d.spec.kprobes[0].args[0].type = "int")))).toThrow(/without a `file` argument at index 0/);
  });

  it("refuses an added second hook that kills readers of the mount, even beside the judgeable one", () => {
    const extra = (d: Doc) => d.spec.kprobes.push({ ...structuredClone(d.spec.kprobes[0]), call: "security_mmap_file" });
    expect(() => prepare(file(extra))).toThrow(/a Sigkill on the kprobe security_mmap_file,/);
  });

  it("names fentry and lsmhook kills, and ignores a Sigkill on paths outside the mount", () => {
    const sel = { matchArgs: [{ index: 0, operator: "Prefix", values: ["/mnt/secrets/"] }], matchActions: [{ action: "Sigkill" }] };
    expect(unjudgeableKillProblem({ lsmhooks: [{ hook: "file_open", args: [{ index: 0, type: "file" }], selectors: [sel] }] }, "/mnt/secrets")).toMatch(/^kills with a Sigkill on the lsmhook file_open,/);
    expect(unjudgeableKillProblem({ fentries: [{ call: "security_file_open", selectors: [sel] }] }, "/mnt/secrets")).toMatch(/^kills with a Sigkill on the fentry security_file_open,/);
    const elsewhere = { ...sel, matchArgs: [{ index: 0, operator: "Prefix", values: ["/etc/"] }] };
    expect(unjudgeableKillProblem({ kprobes: [{ call: "security_file_permission", selectors: [elsewhere] }] }, "/mnt/secrets")).toBeUndefined();
  });
});
