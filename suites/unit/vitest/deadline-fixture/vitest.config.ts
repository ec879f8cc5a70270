import { defineConfig } from "vitest/config";

// A run the suites deadline must end: the tests' own timeouts are far beyond it.
export default defineConfig({
  test: {
    include: ["*.fixture.ts"],
    globalSetup: ["./global-setup.ts"],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});
