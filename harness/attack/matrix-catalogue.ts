import { describeCommand } from "../core/command-line.ts";
import { jsonPriority, loadRulesFile } from "../falco/rules-file.ts";
import { loadCatalogue, type Attack, type Catalogue } from "./catalogue.ts";

/** The attack matrix's inputs: the catalogue, checked against our Falco rules, and each rule's JSON priority. */
export interface AttackMatrix {
  /** Rule name → the priority Falco's JSON output spells for it. */
  priorities: Record<string, string>;
  catalogue: Catalogue;
}

/** Loads fixtures/falco/secretproof-rules.yaml and fixtures/attacks/catalogue.yaml, the catalogue's rule names checked against the rules. */
export function loadAttackMatrix(): AttackMatrix {
  const rules = loadRulesFile();
  const priorities = Object.fromEntries(rules.rules.map((r) => [r.rule, jsonPriority(r.priority)]));
  return { priorities, catalogue: loadCatalogue(new Set(Object.keys(priorities))) };
}

/** An attack's command as a shell would show it, for titles and messages. */
export function shownCommand(a: Attack): string {
  return describeCommand(a.command[0] as string, a.command.slice(1));
}
