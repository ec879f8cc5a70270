import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { FAMILIES } from "../../../harness/report/families.ts";
import { e2eOrder, OBSERVED_IN_BACKGROUND } from "../../../harness/vitest/sequencer.ts";

const suites = readdirSync("suites/e2e").filter((f) => f.endsWith(".test.ts")).map((f) => ({ moduleId: `/repo/suites/e2e/${f}` }));
const names = (files: { moduleId: string }[]) => files.map((f) => f.moduleId.split("/").pop());

describe("the e2e suites run one family after another, in claim-table order", () => {
  it("every family has its suite, suites/e2e/<id>.test.ts, and every e2e suite is a family's", () => {
    expect(names(suites).sort()).toEqual(FAMILIES.map((f) => `${f.id}.test.ts`).sort());
  });

  it("runs the suites in claim-table order, enforcement after detection (whose attempts it requires), and the dynamic and network suites, which await what the global setup runs beside them, last", () => {
    const order = names(e2eOrder([...suites].reverse()));
    const serial = FAMILIES.map((f) => f.id).filter((id) => !OBSERVED_IN_BACKGROUND.includes(id));
    expect(order).toEqual([...serial, ...OBSERVED_IN_BACKGROUND].map((id) => `${id}.test.ts`));
    expect(order.indexOf("enforcement.test.ts")).toBeGreaterThan(order.indexOf("detection.test.ts"));
    expect(order).toEqual(["a1-encryption", "a2-no-secrets", "detection", "enforcement", "app-leak", "dynamic", "network"].map((id) => `${id}.test.ts`));
  });

  it("keeps claim-table order among the families observed in the background, after every other family", () => {
    const files = ["c", "b", "a", "d"].map((x) => ({ moduleId: `/r/suites/e2e/${x}.test.ts` }));
    expect(names(e2eOrder(files, ["a", "b", "c", "d"], ["b", "a"]))).toEqual(["c.test.ts", "d.test.ts", "a.test.ts", "b.test.ts"]);
  });

  it("runs a file of no family after every family's suite, by name", () => {
    const files = [{ moduleId: "/r/suites/e2e/zz-extra.test.ts" }, { moduleId: "/r/suites/e2e/enforcement.test.ts" }, { moduleId: "/r/suites/e2e/aa-extra.test.ts" }, { moduleId: "/r/suites/e2e/detection.test.ts" }];
    expect(names(e2eOrder(files, ["detection", "enforcement"]))).toEqual(["detection.test.ts", "enforcement.test.ts", "aa-extra.test.ts", "zz-extra.test.ts"]);
  });
});
