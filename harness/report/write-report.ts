import { writeFile, mkdir } from "node:fs/promises";
import { join } from "node:path";
import { RUN_JSON } from "../evidence/recorder.ts";
import { type LoadedBundle, loadBundle } from "./bundle.ts";
import { buildReportModel } from "./model.ts";
import { renderHtml } from "./render-html.ts";
import { renderMarkdown, renderSummary } from "./render-markdown.ts";

export interface Reports {
  "report.md": string;
  "report.html": string;
}

/** Renders the reports of a loaded bundle: a pure function of run.json and the matrix files. */
export function renderReports(bundle: LoadedBundle): Reports {
  const model = buildReportModel(requireRun(bundle), bundle.view);
  return { "report.md": renderMarkdown(model), "report.html": renderHtml(model) };
}

export function renderBundleSummary(bundle: LoadedBundle): string {
  return renderSummary(buildReportModel(requireRun(bundle), bundle.view));
}

function requireRun(bundle: LoadedBundle): NonNullable<LoadedBundle["run"]> {
  if (bundle.run) return bundle.run;
  const why = bundle.integrity.filter((p) => p.includes(RUN_JSON)).join("; ") || `${RUN_JSON} is unreadable`;
  throw new Error(`cannot report on ${bundle.dir}: ${why}`);
}

/** Writes report.md and report.html for a bundle into outDir; returns their paths. */
export async function writeReports(bundle: LoadedBundle, outDir: string = bundle.dir): Promise<string[]> {
  const reports = renderReports(bundle);
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const [name, text] of Object.entries(reports)) {
    const path = join(outDir, name);
    await writeFile(path, text);
    paths.push(path);
  }
  return paths;
}

/**
 * For `EvidenceRecorder.finalize(status, { derive: deriveReports })`: writes
 * the reports into the run directory before its manifest is written.
 */
export async function deriveReports(dir: string): Promise<void> {
  await writeReports(await loadBundle(dir));
}
