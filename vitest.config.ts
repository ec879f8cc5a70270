import { defineConfig } from "vitest/config";
import { VAULT_EXPIRATION_BUFFER_MS } from "./harness/vault/expiration.ts";
import { toMs } from "./clusters/duration.ts";
import { loadProfile } from "./harness/profile.ts";
import { E2EFamilyOrderSequencer } from "./harness/vitest/sequencer.ts";

const profile = loadProfile();
const e2eTimeout = toMs(profile.budget);
// The component tier's longest test waits componentTtl + Vault's buffer + dropGrace for an expired role to go, then logs in.
const componentTimeout =
  toMs(profile.dynamic.componentTtl) + VAULT_EXPIRATION_BUFFER_MS + toMs(profile.dynamic.dropGrace) + toMs(profile.waits.command);

export default defineConfig({
  test: {
    // e2e files run one at a time in claim-table order: the attack phases build on each other.
    sequence: { sequencer: E2EFamilyOrderSequencer },
    projects: [
      {
        test: {
          name: "unit",
          include: ["suites/unit/**/*.test.ts"],
          // pure code and short-lived child processes: worker threads start faster than forks
          pool: "threads",
          // files share a worker's module cache: the Kubernetes client and ajv load once per worker, not once per file
          // (the unit tier's wall time halves); unit tests keep no state between files beyond what they register
          isolate: false,
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: "local",
          include: ["suites/local/**/*.test.ts"],
          globalSetup: ["suites/local/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "component",
          include: ["suites/component/**/*.test.ts"],
          globalSetup: ["suites/component/global-setup.ts"],
          testTimeout: componentTimeout,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["suites/e2e/**/*.test.ts"],
          globalSetup: ["suites/e2e/global-setup.ts"],
          fileParallelism: false,
          testTimeout: e2eTimeout,
          hookTimeout: e2eTimeout,
        },
      },
    ],
  },
});
