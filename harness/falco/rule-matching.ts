import { parse } from "yaml";
import { loadOrder, shadowedRules, type LoadedRule, type RuleMatching, type Shadowing } from "./shadowing.ts";

/** What of a Falco config decides which rules can fire. */
export interface FalcoRuleConfig {
  ruleMatching: RuleMatching;
  rulesFiles: string[];
}

/**
 * Reads `rule_matching` and `rules_files` from a falco.yaml as Falco 0.44.1
 * does: `rule_matching` defaults to "first" and is matched case-insensitively
 * (userspace/falco/configuration.cpp:451-455, engine/falco_common.cpp:67-70);
 * `rules_files` (or the deprecated `rules_file`, never both) lists files and
 * directories (configuration.cpp:292-310).
 */
export function parseFalcoRuleConfig(text: string, where: string): FalcoRuleConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${where} is not YAML`, { cause: err });
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new Error(`${where} is not a YAML mapping: ${text.slice(0, 200)}`);
  const c = doc as Record<string, unknown>;
  const raw = c.rule_matching ?? "first";
  const mode = typeof raw === "string" ? raw.toLowerCase() : undefined;
  if (mode !== "first" && mode !== "all") throw new Error(`${where} sets rule_matching to ${JSON.stringify(raw)}; Falco accepts only first or all`);
  if (c.rules_files !== undefined && c.rules_file !== undefined) throw new Error(`${where} sets both rules_files and rules_file; Falco refuses that`);
  const files = c.rules_files ?? c.rules_file ?? [];
  const list = typeof files === "string" ? [files] : files;
  if (!Array.isArray(list) || !list.every((f) => typeof f === "string")) throw new Error(`${where}: rules_files is not a list of paths: ${JSON.stringify(files)}`);
  return { ruleMatching: mode, rulesFiles: list };
}

function group<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}

/** One line per rule of ours: which earlier rules it can be shadowed by, per shared event types. */
function describeShadowing(all: readonly Shadowing[]): string[] {
  return [...group(all, (s) => s.rule)].map(([rule, list]) => {
    const parts = [...group(list, (s) => s.on)].map(([on, l]) => {
      const names = l.map((s) => `${s.byOurs ? "ours" : "upstream"} "${s.by}" (${s.byFrom.replace(/^.*\//, "")})`);
      return `on ${on} after ${names.join(", ")}`;
    });
    return `  "${rule}": ${parts.join("; ")}`;
  });
}

/**
 * Why our rules might not all fire under this config, or [] when they can:
 * our rules file must be loaded, and under `first` no earlier rule may share
 * an event type with one of ours. Pure: `files` maps paths in the Falco pod to
 * their rules (shadowing.ts pinnedRuleFiles).
 */
export function ruleMatchingProblems(cfg: FalcoRuleConfig, files: ReadonlyMap<string, LoadedRule[]>, where: string): string[] {
  const order = loadOrder(cfg.rulesFiles, files);
  const problems: string[] = [];
  const oursMissing = order.notLoaded.filter((p) => (files.get(p) ?? []).some((r) => r.ours));
  if (oursMissing.length) problems.push(`${where} rules_files ${JSON.stringify(cfg.rulesFiles)} does not load our rules (${oursMissing.join(", ")})`);
  const shadowed = shadowedRules(cfg.ruleMatching, order.rules);
  if (shadowed.length) {
    const s = shadowed.find((x) => !x.byOurs) ?? (shadowed[0] as Shadowing);
    problems.push(
      [
        `Falco rule_matching is ${cfg.ruleMatching}: ${s.byOurs ? "our" : "upstream"} rule "${s.by}" shadows ours ("${s.rule}") on ${s.on}. ` +
          `With ${where}, Falco stops at the first rule that matches an event, trying rules in load order ` +
          `(falco 0.44.1 userspace/engine/evttype_index_ruleset.cpp:55-67), so these rules of ours may never fire ` +
          `(they share event types with rules loaded before them):`,
        ...describeShadowing(shadowed),
        `Set falco.rule_matching: all (clusters/helm/falco.ts) and reinstall Falco.`,
      ].join("\n"),
    );
  }
  return problems;
}
