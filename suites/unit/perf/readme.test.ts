import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadAttackMatrix } from "../../../harness/attack/matrix-catalogue.ts";
import { UP_STEPS } from "../../../harness/cluster/up/steps.ts";
import { mermaidGraph } from "../../../harness/perf/mermaid.ts";
import { attackMix, describeJobModel, jobModel, setupGraph, suitesGraph } from "../../../harness/perf/model.ts";
import { PROFILES } from "../../../harness/profile.ts";

const readme = readFileSync("README.md", "utf8");
const page = readFileSync("docs/performance.md", "utf8");
const model = jobModel(PROFILES.ci, UP_STEPS, attackMix(loadAttackMatrix().catalogue.attacks));

describe("the README's performance section", () => {
  it("shows the model's figures for the ci profile as the model computes them now", () => {
    for (const line of describeJobModel(PROFILES.ci, model)) expect(readme, `README.md should contain:\n${line}`).toContain(line);
  });

  it("draws the step graph as it is, its critical path marked (docs/performance.md)", () => {
    const critical = model.bringUp.links.filter((l) => l.kind === "step").map((l) => l.id);
    const graph = mermaidGraph(setupGraph(UP_STEPS), critical);
    expect(page, `docs/performance.md should contain:\n${graph}`).toContain(graph);
  });

  it("draws the suites' graph as the model has it, N1's collection beside A1 and A2 and F after both, its critical path marked (docs/performance.md)", () => {
    const critical = model.suites.links.filter((l) => l.kind === "step").map((l) => l.id);
    const graph = mermaidGraph(suitesGraph({ overlapDynamic: true, overlapNetwork: true }), critical);
    expect(page, `docs/performance.md should contain:\n${graph}`).toContain(graph);
  });

  it("states the target and its split as the ci profile has them", () => {
    const t = PROFILES.ci.target;
    expect(t).toEqual({ job: "10m", prep: "45s", bringUp: "4m50s", suites: "3m55s", audit: "15s", wrapUp: "15s" });
    const flat = readme.replace(/\s+/g, " ");
    expect(flat).toContain("**10 minutes** on a GitHub-hosted runner: 45 s before `npm test`, **4 min 50 s bring-up**, **3 min 55 s suites**, 15 s audit, 15 s after");
  });
});
