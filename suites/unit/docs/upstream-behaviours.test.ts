import { existsSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const PAGE = "docs/upstream-behaviours.md";
const rows = readFileSync(PAGE, "utf8")
  .split("\n")
  .filter((l) => l.startsWith("| ") && !l.startsWith("| behaviour"));
/** Repository paths named in a cell (harness/…, suites/…, fixtures/…, clusters/…, .github/…). */
const paths = (cell: string) => [...cell.matchAll(/(?:harness|suites|fixtures|clusters|\.github)\/[\w./-]+\w/g)].map((m) => m[0]);

describe(`${PAGE}: the table of upstream behaviours the e2e relies on`, () => {
  it("gives every behaviour its upstream evidence, where the code depends on it and what fails if it is wrong", () => {
    expect(rows.length).toBeGreaterThan(40);
    for (const r of rows) {
      const cells = r.slice(2, -2).split(" | ");
      expect(cells, r.slice(0, 80)).toHaveLength(4);
      for (const c of cells) expect(c.trim(), r.slice(0, 80)).not.toBe("");
    }
  });

  it("names only files that exist where the code depends on a behaviour", () => {
    const missing = rows.flatMap((r) => paths(r.slice(2, -2).split(" | ")[2] ?? "")).filter((p) => !existsSync(p));
    expect(missing).toEqual([]);
  });
});
