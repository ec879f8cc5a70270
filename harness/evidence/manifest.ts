import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";

export const MANIFEST = "SHA256SUMS";

/** Every regular file under dir, as sorted POSIX-style relative paths. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
    .sort();
}

export function sha256Hex(data: Buffer | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** `sha256sum`-compatible text over every file in dir except the manifest itself. */
export async function buildManifest(dir: string): Promise<string> {
  const files = (await listFiles(dir)).filter((f) => f !== MANIFEST);
  const lines: string[] = [];
  for (const f of files) lines.push(`${sha256Hex(await readFile(join(dir, f)))}  ${f}`);
  return lines.join("\n") + (lines.length ? "\n" : "");
}

export interface ManifestEntry {
  sha256: string;
  path: string;
}

/** Parses `sha256sum` output; throws naming the first malformed line. */
export function parseManifest(text: string): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    if (line === "" && i === lines.length - 1) return;
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line);
    if (!m) throw new Error(`${MANIFEST} line ${i + 1} is malformed: ${JSON.stringify(line.slice(0, 120))}`);
    out.push({ sha256: m[1] as string, path: m[2] as string });
  });
  return out;
}

export interface ManifestCheck {
  ok: boolean;
  missing: string[];
  changed: string[];
  unlisted: string[];
}

/** Compares a bundle directory to its manifest. */
export async function checkManifest(dir: string): Promise<ManifestCheck> {
  let text: string;
  try {
    text = await readFile(join(dir, MANIFEST), "utf8");
  } catch (err) {
    throw new Error(`${dir} has no readable ${MANIFEST}: not an evidence bundle, or truncated`, { cause: err });
  }
  const entries = parseManifest(text);
  const present = new Set((await listFiles(dir)).filter((f) => f !== MANIFEST));
  const missing: string[] = [];
  const changed: string[] = [];
  for (const e of entries) {
    if (!present.has(e.path)) {
      missing.push(e.path);
      continue;
    }
    present.delete(e.path);
    if (sha256Hex(await readFile(join(dir, e.path))) !== e.sha256) changed.push(e.path);
  }
  const unlisted = [...present].sort();
  return { ok: !missing.length && !changed.length && !unlisted.length, missing, changed, unlisted };
}
