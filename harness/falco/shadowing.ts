import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { FALCO_RULES_FILE } from "../../clusters/helm/falco.ts";
import { conditionEventTypes, describeTypes, intersect, isEmpty, type EventTypes, type TypedMacro } from "./event-types.ts";
import { RULES_PATH, loadRulesFile, type RulesFile } from "./rules-file.ts";

export const UPSTREAM_RULES_PATH = new URL("../../fixtures/falco/upstream-rules.yaml", import.meta.url);

/** Falco's `rule_matching` values (falco 0.44.1 userspace/engine/falco_common.cpp:23). */
export type RuleMatching = "first" | "all";

/** The chart's `falco.rules_files` default (falcosecurity/charts falco-9.1.0 charts/falco/values.yaml:789-792). */
export const CHART_RULES_FILES = ["/etc/falco/falco_rules.yaml", "/etc/falco/falco_rules.local.yaml", "/etc/falco/rules.d"];

/** Where our rules file sits in the Falco pod: the chart mounts customRules there (templates/pod-template.tpl:190-192). */
export const OUR_RULES_PATH = `/etc/falco/rules.d/${FALCO_RULES_FILE}`;

export interface UpstreamRules {
  ref: string;
  file: string;
  installed_as: string;
  source: string;
  macros: Record<string, { line: number; evttypes: string[]; only_evttype?: boolean }>;
  rules: { rule: string; line: number; typed_by: string; evttypes: string[] }[];
}

/** A rule as Falco holds it after loading: where it came from and the event types it is indexed under. */
export interface LoadedRule {
  rule: string;
  ours: boolean;
  /** Path in the Falco pod, with the line for upstream rules. */
  from: string;
  source: string;
  types: EventTypes;
}

export function loadUpstreamRules(path: URL | string = UPSTREAM_RULES_PATH): UpstreamRules {
  return parse(readFileSync(path, "utf8")) as UpstreamRules;
}

export function typedMacros(u: UpstreamRules): Record<string, TypedMacro> {
  return Object.fromEntries(Object.entries(u.macros).map(([k, m]) => [k, { evttypes: m.evttypes, onlyEvttype: m.only_evttype }]));
}

export function upstreamLoaded(u: UpstreamRules): LoadedRule[] {
  return u.rules.map((r) => ({ rule: r.rule, ours: false, from: `${u.installed_as}:${r.line}`, source: u.source, types: { only: new Set(r.evttypes) } }));
}

/** Our rules with the event types their conditions resolve to (our macros expanded, upstream ones summarised). */
export function oursLoaded(file: RulesFile, u: UpstreamRules): LoadedRule[] {
  const scope = { macros: new Map(file.macros.map((m) => [m.macro, m.condition])), typed: typedMacros(u) };
  return file.rules.map((r) => ({ rule: r.rule, ours: true, from: OUR_RULES_PATH, source: "syscall", types: conditionEventTypes(r.condition, scope) }));
}

/**
 * The rules in the order Falco loads them: `rules_files` in order, a
 * directory's files sorted by name (falco 0.44.1 userspace/falco/
 * configuration.cpp:705-735), each file's rules in file order. `files` maps
 * a path in the pod to its rules; a path no entry reaches is not loaded.
 */
export function loadOrder(rulesFiles: readonly string[], files: ReadonlyMap<string, LoadedRule[]>): { rules: LoadedRule[]; notLoaded: string[] } {
  const loaded = new Set<string>();
  const rules: LoadedRule[] = [];
  for (const entry of rulesFiles) {
    const dir = entry.replace(/\/+$/, "");
    const hits = [...files.keys()].filter((p) => p === dir || p.startsWith(`${dir}/`)).sort();
    for (const p of hits) {
      if (loaded.has(p)) continue;
      loaded.add(p);
      rules.push(...(files.get(p) ?? []));
    }
  }
  return { rules, notLoaded: [...files.keys()].filter((p) => !loaded.has(p)) };
}

/** The pinned upstream rules and ours, keyed by where they sit in the Falco pod. */
export function pinnedRuleFiles(ours: RulesFile = loadRulesFile(RULES_PATH), u: UpstreamRules = loadUpstreamRules()): Map<string, LoadedRule[]> {
  return new Map([
    [u.installed_as, upstreamLoaded(u)],
    [OUR_RULES_PATH, oursLoaded(ours, u)],
  ]);
}

export interface Shadowing {
  /** Our rule that may never fire. */
  rule: string;
  /** The rule loaded before it that Falco may stop at. */
  by: string;
  byOurs: boolean;
  byFrom: string;
  /** Event types both are indexed under. */
  on: string;
}

/**
 * Which of our rules an earlier-loaded rule can shadow. Falco indexes rules
 * by event type in load order and, under `first`, stops at the first rule
 * whose condition matches (falco 0.44.1 userspace/engine/falco_engine.cpp:
 * 381-396, evttype_index_ruleset.cpp:55-67, indexable_ruleset.h:273-296);
 * under `all` it evaluates every rule (evttype_index_ruleset.cpp:69-83).
 * Any shared event type counts: whether both conditions can hold for one
 * event is not decided here, so the answer errs towards "can be shadowed".
 * (Falco also indexes every rule under the async event code,
 * evttype_index_ruleset.cpp:43, which no condition testing evt.type matches.)
 */
export function shadowedRules(mode: RuleMatching, order: readonly LoadedRule[]): Shadowing[] {
  if (mode === "all") return [];
  const out: Shadowing[] = [];
  order.forEach((r, i) => {
    if (!r.ours) return;
    for (const earlier of order.slice(0, i)) {
      const shared = intersect(earlier.types, r.types);
      if (earlier.source !== r.source || isEmpty(shared)) continue;
      out.push({ rule: r.rule, by: earlier.rule, byOurs: earlier.ours, byFrom: earlier.from, on: describeTypes(shared) });
    }
  });
  return out;
}
