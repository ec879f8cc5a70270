import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { falcoValues } from "../../../clusters/helm/falco.ts";
import { versions } from "../../../clusters/versions.ts";
import { parseFalcoRuleConfig, ruleMatchingProblems } from "../../../harness/falco/rule-matching.ts";
import { CHART_RULES_FILES, pinnedRuleFiles } from "../../../harness/falco/shadowing.ts";
import { assertFalcoRunsAllRules } from "../../../harness/falco/running-config.ts";
import { isPermanent } from "../../../harness/core/errors.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";

const WHERE = "/etc/falco/falco.yaml in pod falco/falco-x7k2p";
const files = pinnedRuleFiles();

/** falco.yaml as the chart writes it: `toYaml .Values.falco` (templates/configmap.yaml:16), chart defaults merged with ours. */
function renderedFalcoYaml(over: Record<string, unknown> = {}): string {
  const chartDefaults = { config_files: ["/etc/falco/config.d"], rules_files: CHART_RULES_FILES, rule_matching: "first", priority: "debug" };
  const ours = falcoValues(versions, "").falco as Record<string, unknown>;
  return stringify({ ...chartDefaults, ...ours, ...over });
}

const problems = (text: string) => ruleMatchingProblems(parseFalcoRuleConfig(text, WHERE), files, WHERE);

describe("reading rule_matching and rules_files from a running Falco's falco.yaml", () => {
  it("reads the values the chart renders from ours", () => {
    expect(parseFalcoRuleConfig(renderedFalcoYaml(), WHERE)).toEqual({ ruleMatching: "all", rulesFiles: CHART_RULES_FILES });
  });

  it("defaults rule_matching to first, as Falco does, and reads it case-insensitively", () => {
    expect(parseFalcoRuleConfig("rules_files: [/a]\n", WHERE).ruleMatching).toBe("first");
    expect(parseFalcoRuleConfig("rule_matching: ALL\n", WHERE).ruleMatching).toBe("all");
  });

  it("accepts the deprecated rules_file key, and refuses both keys at once", () => {
    expect(parseFalcoRuleConfig("rules_file: [/etc/falco/rules.d]\n", WHERE).rulesFiles).toEqual(["/etc/falco/rules.d"]);
    expect(() => parseFalcoRuleConfig("rules_file: [/a]\nrules_files: [/b]\n", WHERE)).toThrow(/sets both rules_files and rules_file/);
  });

  it("rejects what Falco would reject or what is not a config, naming the file", () => {
    expect(() => parseFalcoRuleConfig("rule_matching: some\n", WHERE)).toThrow(`${WHERE} sets rule_matching to "some"; Falco accepts only first or all`);
    expect(() => parseFalcoRuleConfig("rules_files: {a: 1}\n", WHERE)).toThrow(/rules_files is not a list of paths/);
    expect(() => parseFalcoRuleConfig("- a\n", WHERE)).toThrow(/is not a YAML mapping/);
    expect(() => parseFalcoRuleConfig("a: [\n", WHERE)).toThrow(`${WHERE} is not YAML`);
  });
});

describe("deciding whether every rule of ours can fire in the running Falco", () => {
  it("passes the config the chart renders from our values", () => {
    expect(problems(renderedFalcoYaml())).toEqual([]);
  });

  it("fails under the chart's default first, naming the cause and the SHELL rule's shadow", () => {
    const [p, ...rest] = problems(renderedFalcoYaml({ rule_matching: "first" }));
    expect(rest).toEqual([]);
    expect(p).toMatch(/^Falco rule_matching is first: upstream rule "[^"]+" shadows ours \("SecretProof - [^"]+"\) on /);
    expect(p).toContain(WHERE);
    expect(p).toMatch(/"SecretProof - Interactive Shell Spawned": on execve, execveat after .*upstream "Terminal shell in container" \(falco_rules\.yaml:713\)/);
    expect(p).toContain("Set falco.rule_matching: all (clusters/helm/falco.ts)");
  });

  it("fails when rules_files does not reach our rules file, whatever the matching mode", () => {
    const [p] = problems(renderedFalcoYaml({ rules_files: ["/etc/falco/falco_rules.yaml"] }));
    expect(p).toBe(`${WHERE} rules_files ["/etc/falco/falco_rules.yaml"] does not load our rules (/etc/falco/rules.d/secretproof-rules.yaml)`);
  });

  it("counts a config without rule_matching as first", () => {
    const text = stringify({ rules_files: CHART_RULES_FILES });
    expect(problems(text).join("\n")).toMatch(/^Falco rule_matching is first/);
  });
});

describe("checking the running Falco pods", () => {
  /** Answers the two kubectl calls the check makes, recording them. */
  function kubeAnswering(falcoYaml: string, calls: string[][]): Kubectl {
    const pods = { items: [{ metadata: { name: "falco-x7k2p" }, status: { phase: "Running" } }, { metadata: { name: "falco-old", deletionTimestamp: "t" }, status: { phase: "Running" } }] };
    const result = (stdout: string) => ({ command: "kubectl", exitCode: 0, stdout, stderr: "", startedAt: "", durationMs: 1 });
    return {
      json: async (args: readonly string[]) => (calls.push([...args]), pods),
      exec: async (ns: string, pod: string, cmd: readonly string[], o?: { container?: string }) => (calls.push([ns, pod, o?.container ?? "", ...cmd]), result(falcoYaml)),
    } as unknown as Kubectl;
  }

  it("reads falco.yaml from the falco container of each live pod and accepts rule_matching all", async () => {
    const calls: string[][] = [];
    await assertFalcoRunsAllRules(kubeAnswering(renderedFalcoYaml(), calls));
    expect(calls).toEqual([
      ["-n", "falco", "get", "pods", "-l", "app.kubernetes.io/name=falco"],
      ["falco", "falco-x7k2p", "falco", "cat", "/etc/falco/falco.yaml"],
    ]);
  });

  it("fails at once, naming the values, when the pod runs the chart's drop alert defaults", async () => {
    const chart = { threshold: 0.1, actions: ["log", "alert"], rate: 0.03333, max_burst: 1 };
    const err = await assertFalcoRunsAllRules(kubeAnswering(renderedFalcoYaml({ syscall_event_drops: chart }), [])).catch((e: unknown) => e);
    expect(isPermanent(err)).toBe(true);
    expect(String(err)).toMatch(/falco-x7k2p: syscall_event_drops\.threshold is 0\.1: .*\n.*syscall_event_drops\.rate is 0\.03333: /);
  });

  it("fails at once, without retrying, when the pod runs rule_matching first", async () => {
    const err = await assertFalcoRunsAllRules(kubeAnswering(renderedFalcoYaml({ rule_matching: "first" }), [])).catch((e: unknown) => e);
    expect(isPermanent(err)).toBe(true);
    expect(String(err)).toMatch(/Falco rule_matching is first: upstream rule .* in pod falco\/falco-x7k2p/s);
  });
});
