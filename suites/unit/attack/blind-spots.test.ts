import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { BLIND_SPOTS_PATH, blindSpotProblems, loadBlindSpots } from "../../../harness/attack/blind-spots.ts";
import { loadCatalogue } from "../../../harness/attack/catalogue.ts";
import { ruleNames } from "../../../harness/falco/rules-file.ts";
import type { ReportModel } from "../../../harness/report/model.ts";
import { blindSpotsSection } from "../../../harness/report/sections/blind-spots.ts";

const catalogue = loadCatalogue(ruleNames());
const ids = new Set(catalogue.attacks.map((a) => a.id));
const raw = () => parse(readFileSync(BLIND_SPOTS_PATH, "utf8")) as { blindSpots: Record<string, unknown>[] };

describe("declared blind spots", () => {
  it("declare the app's own in-process read as trusted by both controls, each with reason and source", () => {
    const list = loadBlindSpots(ids);
    const app = list.find((b) => b.id === "app-in-process-read");
    expect(app?.controls).toEqual(["falco", "tetragon"]);
    for (const b of list) expect(b.source.length, b.id).toBeGreaterThan(10);
  });

  it("name the entry of every catalogue blind spot among what measures them", () => {
    const measured = new Set(loadBlindSpots(ids).flatMap((b) => b.measuredBy ?? []));
    for (const a of catalogue.attacks.filter((x) => x.blindSpot)) expect(measured.has(a.id), a.id).toBe(true);
  });

  it("reject an unknown control, a duplicate id and a measuredBy outside the catalogue", () => {
    const doc = raw();
    doc.blindSpots.push({ ...doc.blindSpots[0], measuredBy: ["no-such-entry"] });
    expect(blindSpotProblems(doc, ids).join("\n")).toMatch(/app-in-process-read: duplicate id[\s\S]*measuredBy names no-such-entry/);
    (doc.blindSpots[1] as Record<string, unknown>).controls = ["selinux"];
    expect(blindSpotProblems(doc, ids).join("\n")).toMatch(/must be equal to one of the allowed values/);
  });

  it("render as a report section in Markdown and HTML, escaped, and say so when there are none", () => {
    const model = (blindSpots: ReportModel["blindSpots"]) => ({ blindSpots }) as ReportModel;
    const list = [{ id: "x", title: "a | b <c>", controls: ["falco" as const], reason: "why", source: "src:1" }];
    expect(blindSpotsSection.md(model(list))).toMatch(/\| a \\\| b &lt;c&gt; \| falco \| why \| src:1 \| — \|/);
    expect(blindSpotsSection.html(model(list))).toContain("<td>a | b &lt;c&gt;</td>");
    expect(blindSpotsSection.md(model([]))).toBe("No blind spots declared.");
    expect(blindSpotsSection.html(model(undefined))).toBe("<p>No blind spots declared.</p>");
  });
});
