import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { BundleView } from "../claims/registry.ts";
import { MANIFEST, checkManifest, listFiles } from "../evidence/manifest.ts";
import { RUN_JSON, type RunRecord } from "../evidence/recorder.ts";
import { parseRunRecord } from "./run-record.ts";

/** Files `secretproof report` derives from a bundle; they may be written after the manifest. */
export const DERIVED_FILES = ["report.md", "report.html"] as const;

/** An evidence bundle read into memory, with what is wrong with its integrity. */
export interface LoadedBundle {
  dir: string;
  view: BundleView;
  /** run.json, when it is present and valid. */
  run?: RunRecord;
  /** Each problem names the file: missing, changed, unlisted, malformed. */
  integrity: string[];
}

/** A read-only, preloaded view over a bundle's files; judges read evidence only through it. */
export function bundleView(files: ReadonlyMap<string, Buffer>): BundleView {
  const bytes = (path: string): Buffer => {
    const b = files.get(path);
    if (!b) throw new Error(`evidence file ${JSON.stringify(path)} is not in the bundle`);
    return b;
  };
  return {
    files: [...files.keys()].sort(),
    has: (path) => files.has(path),
    bytes,
    text: (path) => bytes(path).toString("utf8"),
    json<T>(path: string): T {
      const text = bytes(path).toString("utf8");
      try {
        return JSON.parse(text) as T;
      } catch (err) {
        throw new Error(`evidence file ${path} is not valid JSON (${text.length} bytes): truncated or corrupted`, {
          cause: err,
        });
      }
    },
  };
}

async function manifestProblems(dir: string): Promise<string[]> {
  try {
    const m = await checkManifest(dir);
    const derived = new Set<string>(DERIVED_FILES);
    return [
      ...m.missing.map((f) => `missing file: ${f} is listed in ${MANIFEST} but absent`),
      ...m.changed.map((f) => `changed file: ${f} does not match its sha256 in ${MANIFEST}`),
      ...m.unlisted.filter((f) => !derived.has(f)).map((f) => `unlisted file: ${f} is not in ${MANIFEST}`),
    ];
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    return [`${MANIFEST}: ${why}`];
  }
}

/** Reads every file of a bundle directory and checks its manifest and run.json. */
export async function loadBundle(dir: string): Promise<LoadedBundle> {
  const info = await stat(dir).catch((err: unknown) => {
    throw new Error(`${dir} is not readable: no evidence bundle there`, { cause: err });
  });
  if (!info.isDirectory()) {
    const unpack = /\.tar$/.test(dir) ? ` (a pack from \`secretproof pack\`: unpack it first, \`mkdir DIR && tar -xf ${dir} -C DIR\`)` : "";
    throw new Error(`${dir} is not a directory: an evidence bundle is a run directory${unpack}`);
  }
  const files = new Map<string, Buffer>();
  for (const f of await listFiles(dir)) files.set(f, await readFile(join(dir, f)));
  const integrity = await manifestProblems(dir);
  let run: RunRecord | undefined;
  const runBytes = files.get(RUN_JSON);
  if (!runBytes) {
    if (!integrity.some((p) => p.startsWith(`missing file: ${RUN_JSON} `))) {
      integrity.push(`missing file: ${RUN_JSON} is absent: not an evidence bundle, or truncated`);
    }
  } else {
    try {
      run = parseRunRecord(runBytes.toString("utf8"));
    } catch (err) {
      integrity.push(err instanceof Error ? err.message : String(err));
    }
  }
  return { dir, view: bundleView(files), integrity, ...(run ? { run } : {}) };
}
