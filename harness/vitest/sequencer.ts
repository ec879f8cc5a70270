import { basename } from "node:path";
import { BaseSequencer, type TestSpecification } from "vitest/node";
import { FAMILIES } from "../report/families.ts";

/**
 * The e2e suites in run order: each family's suite (suites/e2e/<id>.test.ts)
 * at its family's place in claim-table order (harness/report/families.ts),
 * so enforcement runs after detection, whose attempts it requires; any other
 * file after them, by name.
 */
export function e2eOrder<T extends { moduleId: string }>(files: readonly T[], ids: readonly string[] = FAMILIES.map((f) => f.id)): T[] {
  const rank = (f: T) => {
    const i = ids.indexOf(basename(f.moduleId).replace(/\.test\.ts$/, ""));
    return i < 0 ? ids.length : i;
  };
  return [...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId));
}

/**
 * Runs the e2e project's files one family after another in claim-table order
 * (e2eOrder; the attack phases depend on it); every other project keeps
 * vitest's default order.
 */
export class E2EFamilyOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((f) => f.project.name !== "e2e"), ...e2eOrder(sorted.filter((f) => f.project.name === "e2e"))];
  }
}
