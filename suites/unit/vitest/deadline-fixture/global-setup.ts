import { writeFile } from "node:fs/promises";
import type { TestProject } from "vitest/node";
import { armSuitesDeadline } from "../../../../harness/vitest/run-deadline.ts";

/** Arms the deadline as suites/e2e/global-setup.ts does; the teardown records what it saw, as that one writes SHA256SUMS. */
export default function setup(project: TestProject): () => Promise<void> {
  const lines: string[] = [];
  const deadline = armSuitesDeadline({
    cancel: (reason) => project.vitest.cancelCurrentRun(reason as Parameters<TestProject["vitest"]["cancelCurrentRun"]>[0]),
    deadlineMs: Number(process.env.FIXTURE_DEADLINE_MS),
    graceMs: Number(process.env.FIXTURE_GRACE_MS),
    what: "the fixture's budget",
    log: (line) => lines.push(line),
  });
  return async () => {
    deadline.clear();
    await writeFile(process.env.FIXTURE_MARKER!, JSON.stringify({ fired: deadline.fired ?? null, lines }));
  };
}
