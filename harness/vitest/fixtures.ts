import { test } from "vitest";
import { CleanupStack } from "../core/cleanup-stack.ts";
import { useE2E } from "./e2e.ts";

/**
 * The e2e suites' test API. Two file-scoped fixtures (vitest 4.1.12
 * packages/runner/src/types/tasks.ts, `scope: 'file'`: set up once, when the
 * file's first test asks, torn down after its afterAll hooks, whether or not
 * a test failed):
 *
 * - `e2e`: the run's context (useE2E);
 * - `teardown`: a CleanupStack the suite's own fixtures register their
 *   cleanups with, as soon as they hold something to clean. vitest stops a
 *   file's fixture cleanups at the first that throws; the stack runs every
 *   step and throws their failures together at the end.
 *
 * A fixture whose setup throws fails every test that uses it with that error
 * (vitest keeps the rejected setup, it does not retry), and what it had
 * registered with the stack is still cleaned up.
 */
export const e2eTest = test
  .extend("e2e", { scope: "file" }, async () => useE2E())
  // vitest reads a fixture's dependencies from its first parameter, which must be a destructuring pattern
  // eslint-disable-next-line no-empty-pattern
  .extend("teardown", { scope: "file" }, async ({}, { onCleanup }) => {
    const stack = new CleanupStack();
    onCleanup(() => stack.dispose());
    return stack;
  });
