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

/** Text of HTML element content: the five entities the report writes, decoded. */
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim().replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");

/** The cells of every row of table#id, as text. */
function tableRows(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}">([\\s\\S]*?)</table>`).exec(html)?.[1];
  if (table === undefined) throw new Error(`no table#${id} in the report`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)?.[1] ?? "";
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...(r[1] ?? "").matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => text(c[1] ?? "")),
  );
}

/** Each verdict row of the claim details: claim, subject, verdict word, the reason shown. */
function verdictRows(html: string): string[][] {
  return [...html.matchAll(/<div class="claim" id="claim-(\w+)"[^>]*>([\s\S]*?)<\/div><\/details><\/div>/g)].flatMap((c) =>
    [...(c[2] ?? "").matchAll(/<summary><span class="badge [^"]+">([^<]+)<\/span>(?: <span class="subject">([^<]*)<\/span>)? <span class="why">([^<]*)<\/span>/g)].map((r) => [c[1] ?? "", r[2] ?? "", r[1] ?? "", r[3] ?? ""]),
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
  it("shows every claim's verdicts with their reasons, and the matrix rows with what the run observed", async () => {
    const { dir } = await buildBundle(root, { survivors: ["python3-open"] });
    const html = await readFile(join(dir, "report.html"), "utf8");
    const rows = verdictRows(html);
    expect(rows).toHaveLength(14);
    expect(rows.find((r) => r[0] === "A2")?.[2]).toBe("PASS");
    expect(rows.find((r) => r[1] === "python3-open")).toEqual(["T1", "python3-open", "FAIL", expect.stringContaining("exited 0, not 137") as string]);
    expect(rows.find((r) => r[0] === "D1")?.slice(2)).toEqual(["NOT RUN", "no verdict recorded"]);
    // no catalogue in this bundle: the recorded method labels the row, and no cell is compared
    expect(tableRows(html, "attack-matrix")).toEqual([
      ["cat", "cat", "yes [READ] secret file opened in pod", "yes", "137", "840ms", "12ms"],
      ["python3-open", 'python3 -c "open(…)"', "yes [READ] secret file opened in pod", "no", "0", "841ms", "none"],
    ]);
    expect(html).not.toMatch(/<td class="c-(un)?expected"/);
    expect(html).toMatch(/Not proven: [A-Z0-9, ]*T1/);
    expect(tableRows(html, "blind-spots").map((r) => r[0])).toContain("A read by the app's own process after code execution inside it");
  });

  it("shows hostile evidence text as text: no element, script or broken table comes out of it", async () => {
    const view: BundleView = bundleView(new Map());
    const path = join(root, "report.html");
    await writeFile(path, renderHtml(buildReportModel(hostileRun(), view)));
    const dom = await renderHeadless(path);
    expect(dom).not.toMatch(/<img|<script|<[^>]*\sonerror=/);
    expect(dom).toContain("&lt;img src=x onerror=\"alert(1)\"&gt;&lt;/td&gt;&lt;/tr&gt;&lt;/table&gt;&lt;script&gt;");
    expect(dom).toContain("<title>secretproof report 20260101T000000Z-abcdef</title>");
    expect(verdictRows(dom)).toHaveLength(13);
    expect(tableRows(dom, "environment")).toEqual([["kernel", HOSTILE]]);
  });

  it("is self-contained: no external resource, no script, and a CSP that forbids fetching; links only within the page", async () => {
    const { dir } = await buildBundle(root);
    const html = await readFile(join(dir, "report.html"), "utf8");
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
    expect(html).not.toMatch(/\ssrc=|\s(xlink:)?href="(?!#)|url\(|@import|<script|<link/i);
    for (const [, target] of html.matchAll(/\shref="#([^"]+)"/g)) expect(html).toContain(` id="${target}"`);
  });
});
