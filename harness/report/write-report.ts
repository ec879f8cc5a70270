import { writeFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadBlindSpots, type DeclaredBlindSpot } from "../attack/blind-spots.ts";
import { loadAttackMatrix } from "../attack/matrix-catalogue.ts";
import { TOOL_VERSION } from "../core/tool.ts";
import { MANIFEST, parseManifest } from "../evidence/manifest.ts";
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
export function renderReports(bundle: LoadedBundle, custom: readonly string[] = []): Reports {
  const run = requireRun(bundle);
  const model = { ...buildReportModel(run, bundle.view, run.verdicts, custom), blindSpots: declaredBlindSpots() };
  return { "report.md": renderMarkdown(model), "report.html": renderHtml(model) };
}

export function renderBundleSummary(bundle: LoadedBundle): string {
  return renderSummary(buildReportModel(requireRun(bundle), bundle.view));
}

/** This secretproof's declared blind spots, checked against its catalogue's entry ids. */
function declaredBlindSpots(): DeclaredBlindSpot[] {
  return loadBlindSpots(new Set(loadAttackMatrix().catalogue.attacks.map((a) => a.id)));
}

function requireRun(bundle: LoadedBundle): NonNullable<LoadedBundle["run"]> {
  if (bundle.run) return bundle.run;
  const why = bundle.integrity.filter((p) => p.includes(RUN_JSON)).join("; ") || `${RUN_JSON} is unreadable`;
  throw new Error(`cannot report on ${bundle.dir}: ${why}`);
}

function listedInManifest(bundle: LoadedBundle): Set<string> {
  if (!bundle.view.has(MANIFEST)) return new Set();
  return new Set(parseManifest(bundle.view.text(MANIFEST)).map((e) => e.path));
}

/**
 * Writes report.md and report.html for a bundle into outDir; returns their
 * paths. Inside the bundle it never replaces a report the manifest covers
 * with different content: that would break the bundle's integrity.
 */
export async function writeReports(bundle: LoadedBundle, outDir: string = bundle.dir, custom: readonly string[] = []): Promise<string[]> {
  const reports = renderReports(bundle, custom);
  const inBundle = resolve(outDir) === resolve(bundle.dir);
  const listed = inBundle ? listedInManifest(bundle) : new Set<string>();
  await mkdir(outDir, { recursive: true });
  const paths: string[] = [];
  for (const [name, text] of Object.entries(reports)) {
    const path = join(outDir, name);
    if (listed.has(name) && bundle.view.text(name) !== text) {
      throw new Error(
        `${path} is covered by ${MANIFEST} and differs from what secretproof ${TOOL_VERSION} renders ` +
          `(the run used ${bundle.run?.tool.version}); write the new reports elsewhere with --out <dir>`,
      );
    }
    if (!(inBundle && bundle.view.has(name) && bundle.view.text(name) === text)) await writeFile(path, text);
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
