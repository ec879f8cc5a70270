import { loadCatalogue, type Attack } from "../../../harness/attack/catalogue.ts";
import { jsonPriority, loadRulesFile } from "../../../harness/falco/rules-file.ts";

/** The project's own Falco rules (rule -> JSON priority) and attack catalogue, as the suites load them. */
export const priorities: Record<string, string> = Object.fromEntries(loadRulesFile().rules.map((r) => [r.rule, jsonPriority(r.priority)]));
export const catalogue = loadCatalogue(new Set(Object.keys(priorities)));
export const pick = (id: string): Attack => {
  const a = catalogue.attacks.find((x) => x.id === id);
  if (!a) throw new Error(`no catalogue entry ${id}`);
  return a;
};
