import { basename } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { FAMILIES } from "../report/families.ts";

/**
 * Families whose observation the global setup runs beside the other suites
 * (harness/claims/dynamic/collect-background.ts, harness/claims/network/collect-background.ts):
 * their suite only awaits and asserts on it, so it runs after every other
 * family's, by which time the observation has usually ended. (N1's
 * collection ends before the detection suite's session opens: that suite waits for it.)
 */
export const OBSERVED_IN_BACKGROUND: readonly string[] = ["dynamic", "network"];

/**
 * The e2e suites in run order: each family's suite (suites/e2e/<id>.test.ts)
 * at its family's place in claim-table order (harness/report/families.ts),
 * so enforcement runs after detection, whose attempts it requires; the
 * suites of families observed in the background after those; any other file
 * after them, by name.
 */
export function e2eOrder<T extends { moduleId: string }>(
  files: readonly T[],
  ids: readonly string[] = FAMILIES.map((f) => f.id),
  background: readonly string[] = OBSERVED_IN_BACKGROUND,
): T[] {
  const order = [...ids.filter((id) => !background.includes(id)), ...ids.filter((id) => background.includes(id))];
  const rank = (f: T) => {
    const i = order.indexOf(basename(f.moduleId).replace(/\.test\.ts$/, ""));
    return i < 0 ? order.length : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
}

/**
 * Runs the e2e project's files one after another (fileParallelism: false) in
 * e2eOrder (the attack phases depend on it; the dynamic observation runs
 * beside them in the global setup's process); every other project keeps
 * vitest's default order.
 */
export class E2EFamilyOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => f.project.name !== "e2e"), ...e2eOrder(sorted.filter((f) => f.project.name === "e2e"))];
  }
}
