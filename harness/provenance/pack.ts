import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { MANIFEST, sha256Hex } from "../evidence/manifest.ts";
import { RUN_JSON } from "../evidence/recorder.ts";
import { tarArchive } from "./tar.ts";

/** A bundle packed into one archive: what an attestation's subject digest covers. */
export interface Pack {
  archive: Buffer;
  /** sha256 of the archive, hex. */
  sha256: string;
  files: string[];
}

/** Every regular file under dir, sorted by code unit; anything else (a symlink, a socket) is refused by name. */
async function bundleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const path = (e: (typeof entries)[number]) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/");
  const odd = entries.filter((e) => !e.isFile() && !e.isDirectory()).map(path);
  if (odd.length) throw new Error(`cannot pack ${dir}: ${odd.join(", ")} ${odd.length === 1 ? "is" : "are"} neither a regular file nor a directory`);
  return entries.filter((e) => e.isFile()).map(path).sort();
}

/**
 * Packs an evidence bundle deterministically: the same files with the same
 * bytes give the same archive, whatever their mtimes, owners, modes or
 * creation order, and wherever the directory is. Paths are relative to the
 * bundle, so `tar -xf` into an empty directory gives the bundle back.
 */
export async function packBundle(dir: string): Promise<Pack> {
  const info = await stat(dir).catch((err: unknown) => {
    throw new Error(`cannot pack ${dir}: it is not readable`, { cause: err });
  });
  if (!info.isDirectory()) throw new Error(`cannot pack ${dir}: not a directory (an evidence bundle is a run directory)`);
  const files = await bundleFiles(dir);
  const missing = [RUN_JSON, MANIFEST].filter((f) => !files.includes(f));
  if (missing.length) throw new Error(`cannot pack ${dir}: it has no ${missing.join(" or ")}, so it is not an evidence bundle`);
  const entries = await Promise.all(files.map(async (f) => ({ path: f, data: await readFile(join(dir, f)) })));
  const archive = tarArchive(entries);
  return { archive, sha256: sha256Hex(archive), files };
}

/** Writes the pack of dir to out; returns it. */
export async function writePack(dir: string, out: string): Promise<Pack> {
  const rel = relative(resolve(dir), resolve(out));
  if (!rel.startsWith("..") && !isAbsolute(rel)) throw new Error(`refusing to write the pack of ${dir} to ${out}, inside the bundle: it would change what it packs`);
  const pack = await packBundle(dir);
  await writeFile(out, pack.archive);
  return pack;
}
