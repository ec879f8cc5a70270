import type { Attack } from "../../harness/attack/catalogue.ts";
import { loadAttackMatrix } from "../../harness/attack/matrix-catalogue.ts";

/** The project's own Falco rules (rule -> JSON priority) and attack catalogue, loaded as the e2e suites load them. */
export const { priorities, catalogue } = loadAttackMatrix();
export const pick = (id: string): Attack => {
  const a = catalogue.attacks.find((x) => x.id === id);
  if (!a) throw new Error(`no catalogue entry ${id}`);
  return a;
};
