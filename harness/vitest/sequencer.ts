import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Runs the e2e project's files in file-name order (the attack phases depend
 * on it: f-detection before t-enforcement); every other project keeps
 * vitest's default order.
 */
export class E2ENameOrderSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const e2e = sorted.filter((f) => f.project.name === "e2e").sort((a, b) => a.moduleId.localeCompare(b.moduleId));
    return [...sorted.filter((f) => f.project.name !== "e2e"), ...e2e];
  }
}
