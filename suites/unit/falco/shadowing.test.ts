import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { FALCO_RULES_FILE, falcoValues } from "../../../clusters/helm/falco.ts";
import { versions } from "../../../clusters/versions.ts";
import { conditionEventTypes, describeTypes } from "../../../harness/falco/event-types.ts";
import { UPSTREAM_MACROS_PATH, loadRulesFile } from "../../../harness/falco/rules-file.ts";
import {
  CHART_RULES_FILES,
  OUR_RULES_PATH,
  loadOrder,
  loadUpstreamRules,
  pinnedRuleFiles,
  shadowedRules,
  typedMacros,
  type LoadedRule,
  type RuleMatching,
} from "../../../harness/falco/shadowing.ts";

const upstream = loadUpstreamRules();
const files = pinnedRuleFiles();
const chartOrder = loadOrder(CHART_RULES_FILES, files).rules;
const SHELL = "SecretProof - Interactive Shell Spawned";
const READ = "SecretProof - Secret File Read";
const pairs = (mode: RuleMatching, order: readonly LoadedRule[] = chartOrder) => shadowedRules(mode, order).map((s) => `${s.rule} <- ${s.by}`);

describe("the summary of the stock rules Falco loads before ours", () => {
  it("is of the falco-rules release the cluster installs, into the path falcoctl unpacks it to", () => {
    expect(upstream.ref).toBe(versions.falco.rulesRef);
    expect(upstream.installed_as).toBe("/etc/falco/falco_rules.yaml");
    expect(CHART_RULES_FILES[0]).toBe(upstream.installed_as);
    expect(OUR_RULES_PATH).toBe(`/etc/falco/rules.d/${FALCO_RULES_FILE}`);
  });

  it("lists each rule once, in file order, with the event types its typed_by part resolves to", () => {
    expect(new Set(upstream.rules.map((r) => r.rule)).size).toBe(upstream.rules.length);
    const lines = upstream.rules.map((r) => r.line);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    const scope = { macros: new Map<string, string>(), typed: typedMacros(upstream) };
    for (const r of upstream.rules) {
      expect(describeTypes(conditionEventTypes(r.typed_by, scope)), r.rule).toBe(describeTypes({ only: new Set(r.evttypes) }));
    }
  });

  it("agrees with upstream-macros.yaml on the lines of the macros our rules use", () => {
    const used = parse(readFileSync(UPSTREAM_MACROS_PATH, "utf8")) as { macros: Record<string, { line: number }> };
    for (const [name, m] of Object.entries(upstream.macros)) if (used.macros[name]) expect(used.macros[name].line, name).toBe(m.line);
  });
});

describe("which of our rules an earlier rule can shadow", () => {
  it("loads the stock rules first, then ours, in the chart's rules_files order", () => {
    expect(chartOrder[0]?.rule).toBe("Directory traversal monitored file read");
    expect(chartOrder.findIndex((r) => r.ours)).toBe(upstream.rules.length);
    expect(chartOrder.filter((r) => r.ours).map((r) => r.rule)).toEqual(loadRulesFile().rules.map((r) => r.rule));
  });

  it("under rule_matching first, our SHELL rule is shadowed by upstream Terminal shell in container on execve", () => {
    const hit = shadowedRules("first", chartOrder).find((s) => s.rule === SHELL && s.by === "Terminal shell in container");
    expect(hit).toMatchObject({ byOurs: false, byFrom: "/etc/falco/falco_rules.yaml:713", on: "execve, execveat" });
  });

  it("under first, our READ rule shares open/openat/openat2 with Read sensitive file untrusted, but no exec rule", () => {
    const by = shadowedRules("first", chartOrder).filter((s) => s.rule === READ).map((s) => s.by);
    expect(by).toContain("Read sensitive file untrusted");
    expect(by).not.toContain("Terminal shell in container");
  });

  it("under first, our own rules shadow later ones of ours on the same event types", () => {
    expect(pairs("first")).toContain(`SecretProof - Exfiltration Tool Spawned <- ${SHELL}`);
  });

  it("under rule_matching all, nothing is shadowed", () => {
    expect(shadowedRules("all", chartOrder)).toEqual([]);
  });

  it("the rendered Falco values leave none of our rules shadowed", () => {
    const falco = falcoValues(versions, "").falco as { rule_matching: RuleMatching };
    expect(falco.rule_matching).toBe("all");
    expect(shadowedRules(falco.rule_matching, chartOrder)).toEqual([]);
  });

  it("a rule on other event types, or of another source, never shadows", () => {
    const r = (rule: string, ours: boolean, types: string[], source = "syscall"): LoadedRule => ({ rule, ours, from: "f", source, types: { only: new Set(types) } });
    const order = [r("a", false, ["connect"]), r("b", false, ["open"], "k8s_audit"), r("c", false, ["open"]), r("mine", true, ["open"])];
    expect(pairs("first", order)).toEqual(["mine <- c"]);
  });

  it("with our directory listed first, no stock rule comes before ours", () => {
    const order = loadOrder(["/etc/falco/rules.d/", "/etc/falco/falco_rules.yaml"], files);
    expect(order.notLoaded).toEqual([]);
    expect(shadowedRules("first", order.rules).filter((s) => !s.byOurs)).toEqual([]);
  });

  it("reports a rules file no rules_files entry reaches, and loads a file listed twice once", () => {
    const order = loadOrder(["/etc/falco/falco_rules.yaml", "/etc/falco/falco_rules.yaml", "/etc/falco/falco_rules.local.yaml"], files);
    expect(order.notLoaded).toEqual([OUR_RULES_PATH]);
    expect(order.rules).toHaveLength(upstream.rules.length);
  });
});
