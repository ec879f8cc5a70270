import { findMutation, loadMutationCatalogue } from "./catalogue.ts";
import type { Mutation } from "./schema.ts";

/** The environment variable naming the mutation a command or `npm test` runs under. */
export const MUTATION_ENV = "SECRETPROOF_MUTATION";

/** The mutation SECRETPROOF_MUTATION names (checked against fixtures/mutations.yaml), or none. */
export function activeMutation(env: NodeJS.ProcessEnv = process.env): Mutation | undefined {
  const name = env[MUTATION_ENV];
  return name ? findMutation(loadMutationCatalogue(), name) : undefined;
}
