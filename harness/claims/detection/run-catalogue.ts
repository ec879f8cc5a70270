import type { Attack } from "../../attack/catalogue.ts";
import type { CataloguePaths } from "../../attack/catalogue-paths.ts";

/** The attack catalogue as a bundle records it: the environment observed, and every attack resolved for it. */
export interface RunCatalogue {
  environment: { ptraceScope: string; conditions: string[] };
  attacks: Attack[];
  /** Attack id → why the run did not attempt it (an audit: a binary the image lacks, a write it never makes). */
  notRun?: Record<string, string>;
  /** The mount and password file the entries were run on, when not the kind stack's (an audit's target): the entries are the catalogue's on these paths. */
  paths?: CataloguePaths;
}
