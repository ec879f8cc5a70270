import type { Attack } from "../../attack/catalogue.ts";

/** The attack catalogue as a bundle records it: the environment observed, and every attack resolved for it. */
export interface RunCatalogue {
  environment: { ptraceScope: string; conditions: string[] };
  attacks: Attack[];
}
