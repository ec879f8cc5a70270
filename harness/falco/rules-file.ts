import { readFileSync } from "node:fs";
import { parse } from "yaml";

export interface FalcoRule {
  rule: string;
  desc?: string;
  condition: string;
  output: string;
  priority: string;
  tags?: string[];
}

export interface FalcoMacro {
  macro: string;
  condition: string;
}

export interface RulesFile {
  rules: FalcoRule[];
  macros: FalcoMacro[];
  /** Items that are neither a rule nor a macro (lists, version requirements). */
  other: unknown[];
}

export const RULES_PATH = new URL("../../fixtures/falco/secretproof-rules.yaml", import.meta.url);
export const FIELDS_PATH = new URL("../../fixtures/falco/fields.yaml", import.meta.url);
export const UPSTREAM_MACROS_PATH = new URL("../../fixtures/falco/upstream-macros.yaml", import.meta.url);

/** Falco's priority names (falco userspace/engine/falco_common.cpp), parsed case-insensitively. */
export const PRIORITIES = ["emergency", "alert", "critical", "error", "warning", "notice", "informational", "info", "debug"];

/** How a rule priority is spelled in JSON output (`INFO` is written "Informational"). */
export function jsonPriority(p: string): string {
  const l = p.toLowerCase() === "info" ? "informational" : p.toLowerCase();
  return l.charAt(0).toUpperCase() + l.slice(1);
}

export function parseRulesFile(text: string): RulesFile {
  const doc: unknown = parse(text);
  if (!Array.isArray(doc)) throw new Error("a Falco rules file is a YAML list");
  const out: RulesFile = { rules: [], macros: [], other: [] };
  for (const item of doc as Record<string, unknown>[]) {
    if (typeof item?.rule === "string") out.rules.push(item as unknown as FalcoRule);
    else if (typeof item?.macro === "string") out.macros.push(item as unknown as FalcoMacro);
    else out.other.push(item);
  }
  return out;
}

export function loadRulesFile(path: URL | string = RULES_PATH): RulesFile {
  return parseRulesFile(readFileSync(path, "utf8"));
}

/** Names of the rules in our rules file. */
export function ruleNames(path: URL | string = RULES_PATH): Set<string> {
  return new Set(loadRulesFile(path).rules.map((r) => r.rule));
}

const BINARY_OPS = new Set([
  "=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith", "bstartswith",
  "endswith", "glob", "iglob", "regex", "in", "intersects", "pmatch",
]);
const LIST_OPS = new Set(["in", "intersects", "pmatch"]);
const BOOL_OPS = new Set(["and", "or", "not"]);
/** One token of a Falco condition: a quoted string, an operator, a parenthesis or comma, or a word. */
export const CONDITION_TOKEN = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|!=|<=|>=|==|[()=<>,]|[^\s()=<>,!"']+/g;

/** Fields and macro names a Falco condition uses (values and operators left out). */
export function conditionSymbols(condition: string): { fields: string[]; macros: string[] } {
  const tokens = condition.match(CONDITION_TOKEN) ?? [];
  const fields = new Set<string>();
  const macros = new Set<string>();
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as string;
    if (BINARY_OPS.has(t)) {
      if (LIST_OPS.has(t) && tokens[i + 1] === "(") {
        while (i < tokens.length && tokens[i] !== ")") i++;
      } else {
        i++;
      }
      continue;
    }
    if (t === "(" || t === ")" || t === "," || BOOL_OPS.has(t) || t === "exists") continue;
    if (t.startsWith('"') || t.startsWith("'")) continue;
    if (t.includes(".")) fields.add(t.replace(/\[.*$/, ""));
    else macros.add(t);
  }
  return { fields: [...fields], macros: [...macros] };
}

/** `%field` tokens of a rule output. */
export function outputFields(output: string): string[] {
  return [...new Set([...output.matchAll(/%([a-zA-Z0-9_]+(?:\.[a-zA-Z0-9_]+)+)/g)].map((m) => m[1] as string))];
}
