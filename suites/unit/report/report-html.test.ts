import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BundleView } from "../../../harness/claims/registry.ts";
import type { RunRecord } from "../../../harness/evidence/recorder.ts";
import { bundleView } from "../../../harness/report/bundle.ts";
import { buildReportModel } from "../../../harness/report/model.ts";
import { renderHtml } from "../../../harness/report/render-html.ts";
import { buildBundle } from "../../support/build-bundle.ts";
import { renderHeadless } from "./headless.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-html-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** The cells of every row of table#id in a DOM dump, as text. */
function tableRows(dom: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(dom)?.[1];
  if (table === undefined) throw new Error(`no table#${id} in the rendered DOM`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...(r[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => (c[1] ?? "").replace(/<[^>]+>/g, " ").trim()),
  );
}

const HOSTILE = `<img src=x onerror="alert(1)"></td></tr></table><script>document.title='owned'</script>&amp;`;

function hostileRun(): RunRecord {
  return {
    schemaVersion: 1,
    runId: "20260101T000000Z-abcdef",
    status: "failed",
    startedAt: "2026-01-01T00:00:00.000Z",
    finishedAt: "2026-01-01T00:08:00.000Z",
    tool: { name: "secretproof", version: "0.1.0", node: "v20.19.0" },
    profile: { name: "ci" },
    environment: { kernel: HOSTILE },
    versions: { app: HOSTILE },
    steps: [{ name: HOSTILE, startedAt: "2026-01-01T00:00:00.000Z", durationMs: 5, ok: false, error: HOSTILE }],
    suites: [],
    verdicts: [
      { claim: "T1", subject: HOSTILE, verdict: "fail", reasons: [HOSTILE], evidence: [HOSTILE], negativeControl: { verdict: "pass", reasons: [HOSTILE] } },
    ],
    redacted: [],
  };
}

describe("report.html", () => {
  it("renders offline in Chromium with the claim table, verdicts and attack matrix", async () => {
    const { dir } = await buildBundle(root, { survivors: ["python3-open"] });
    const dom = await renderHeadless(join(dir, "report.html"), process.env.SECRETPROOF_REPORT_SCREENSHOT);
    const claims = tableRows(dom, "claims");
    expect(claims).toHaveLength(13);
    expect(claims.find((r) => r[0] === "A2")?.slice(1, 3)).toEqual(["No Kubernetes Secret holds the app's credentials", "PASS"]);
    const survivor = claims.find((r) => r[0]?.includes("python3-open"));
    expect(survivor?.[2]).toBe("FAIL");
    expect(survivor?.[3]).toContain("exited 0, not 137");
    expect(claims.find((r) => r[0] === "D1")?.[2]).toBe("NOT RUN");
    expect(tableRows(dom, "attack-matrix")).toEqual([
      ["cat", "[READ] secret file opened in pod", "yes", "yes", "137", "840ms", "12ms"],
      ['python3 -c "open(…)"', "[READ] secret file opened in pod", "yes", "no", "0", "841ms", "none"],
    ]);
    expect(dom).toMatch(/Not proven: [A-Z0-9, ]*T1/);
  });

  it("shows hostile evidence text as text: no element, script or broken table comes out of it", async () => {
    const view: BundleView = bundleView(new Map());
    const path = join(root, "report.html");
    await writeFile(path, renderHtml(buildReportModel(hostileRun(), view)));
    const dom = await renderHeadless(path);
    expect(dom).not.toMatch(/<img|<script|<[^>]*\sonerror=/);
    expect(dom).toContain("&lt;img src=x onerror=\"alert(1)\"&gt;&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;");
    expect(dom).toContain("<title>secretproof report 20260101T000000Z-abcdef</title>");
    expect(tableRows(dom, "claims")).toHaveLength(12);
  });

  it("is self-contained: no external resource, no script, and a CSP that forbids fetching", async () => {
    const { dir } = await buildBundle(root);
    const html = await readFile(join(dir, "report.html"), "utf8");
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/\s(src|href)=|url\(|@import|<script|<link/i);
  });
});
