import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAMILIES } from "../../../harness/report/families.ts";
import { e2eOrder } from "../../../harness/vitest/sequencer.ts";

const suites = readdirSync("suites/e2e").filter((f) => f.endsWith(".test.ts")).map((f) => ({ moduleId: `/repo/suites/e2e/${f}` }));
const names = (files: { moduleId: string }[]) => files.map((f) => f.moduleId.split("/").pop());

describe("the e2e suites run one family after another, in claim-table order", () => {
  it("every family has its suite, suites/e2e/<id>.test.ts, and every e2e suite is a family's", () => {
    expect(names(suites).sort()).toEqual(FAMILIES.map((f) => `${f.id}.test.ts`).sort());
  });

  it("runs the suites in claim-table order: enforcement after detection, whose attempts it requires", () => {
    const order = names(e2eOrder([...suites].reverse()));
    expect(order).toEqual(FAMILIES.map((f) => `${f.id}.test.ts`));
    expect(order.indexOf("enforcement.test.ts")).toBeGreaterThan(order.indexOf("detection.test.ts"));
  });

  it("runs a file of no family after every family's suite, by name", () => {
    const files = [{ moduleId: "/r/suites/e2e/zz-extra.test.ts" }, { moduleId: "/r/suites/e2e/enforcement.test.ts" }, { moduleId: "/r/suites/e2e/aa-extra.test.ts" }, { moduleId: "/r/suites/e2e/detection.test.ts" }];
    expect(names(e2eOrder(files, ["detection", "enforcement"]))).toEqual(["detection.test.ts", "enforcement.test.ts", "aa-extra.test.ts", "zz-extra.test.ts"]);
  });
});
