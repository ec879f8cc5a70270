import { defineConfig } from "vitest/config";
import { toMs } from "./harness/core/duration.ts";
import { loadProfile } from "./harness/profile.ts";
import { E2ENameOrderSequencer } from "./harness/vitest/sequencer.ts";

const profile = loadProfile();
const e2eTimeout = toMs(profile.budget);

export default defineConfig({
  test: {
    // e2e files run one at a time in name order: the attack phases build on each other.
    sequence: { sequencer: E2ENameOrderSequencer },
    projects: [
      {
        test: {
          name: "unit",
          include: ["suites/unit/**/*.test.ts"],
          // pure code and short-lived child processes: worker threads start faster than forks
          pool: "threads",
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
          testTimeout: 120_000,
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
