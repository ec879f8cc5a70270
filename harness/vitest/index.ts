/**
 * The only bridge between the harness library and vitest. Suites import test
 * helpers from here; nothing else under harness/ knows vitest exists.
 */
import { loadProfile } from "../profile.ts";
import { requireTier, type Tier } from "../preflight.ts";

export { loadProfile };

/**
 * A vitest globalSetup body for a tier: fails the whole tier, naming each
 * missing prerequisite, instead of letting tests skip.
 */
export function tierGlobalSetup(tier: Tier): () => Promise<void> {
  return async () => {
    await requireTier(tier);
  };
}
