import { createHash } from "node:crypto";
import { join } from "node:path";
import { $, fs } from "zx";
import type { ToolDownload } from "./catalog.ts";
import { fetchVerified } from "./download.ts";

export interface InstallOptions {
  /** Where the binaries go (tools/bin under the state root). */
  binDir: string;
  /** Bound of one download (retries included) and of one extraction. */
  timeoutMs: number;
  /** Pause between download attempts. */
  intervalMs: number;
  log?: (line: string) => void;
}

export interface Installed {
  name: string;
  version: string;
  path: string;
  action: "installed" | "present";
}

/** What was installed from what, beside the binary: a later run re-checks it instead of downloading again. */
interface Stamp {
  version: string;
  platform: string;
  url: string;
  sha256: string;
  binarySha256: string;
}

const stampPath = (binDir: string, name: string) => join(binDir, `${name}.pin.json`);

async function sha256File(path: string): Promise<string | undefined> {
  try {
    return createHash("sha256").update(await fs.promises.readFile(path)).digest("hex");
  } catch {
    return undefined;
  }
}

/** The binary in binDir is the pinned one: its stamp names this download and its bytes still match. */
async function present(t: ToolDownload, binDir: string): Promise<boolean> {
  let s: Partial<Stamp>;
  try {
    s = JSON.parse(await fs.promises.readFile(stampPath(binDir, t.name), "utf8")) as Partial<Stamp>;
  } catch {
    return false;
  }
  if (s.version !== t.version || s.platform !== t.platform || s.sha256 !== t.sha256) return false;
  return (await sha256File(join(binDir, t.name))) === s.binarySha256;
}

/** The member of a tar.gz, extracted with tar (the archive was verified before this runs). */
async function extract(archive: string, member: string, work: string, timeoutMs: number): Promise<string> {
  try {
    await $({ quiet: true, timeout: timeoutMs })`tar -xzf ${archive} -C ${work} ${member}`;
  } catch (err) {
    throw new Error(`tar -xzf ${archive} ${member} failed: ${(err as Error).message.trim()}`, { cause: err });
  }
  return join(work, member);
}

/**
 * Installs one pinned CLI into binDir unless it is already there: download,
 * verify the sha256 against the pin, extract (helm), then move into place
 * under its own name, so a half-done install never shadows a good binary.
 */
export async function installTool(t: ToolDownload, o: InstallOptions): Promise<Installed> {
  const path = join(o.binDir, t.name);
  if (await present(t, o.binDir)) return { name: t.name, version: t.version, path, action: "present" };
  await fs.ensureDir(o.binDir);
  const work = await fs.promises.mkdtemp(join(o.binDir, `.${t.name}-`));
  try {
    const download = join(work, "download");
    const what = `${t.name} ${t.version} ${t.platform}`;
    const { bytes } = await fetchVerified(t.url, download, { sha256: t.sha256, what, timeoutMs: o.timeoutMs, intervalMs: o.intervalMs });
    o.log?.(`${what}: ${bytes} bytes from ${t.url}, sha256 ${t.sha256} as pinned`);
    const binary = t.archiveMember ? await extract(download, t.archiveMember, work, o.timeoutMs) : download;
    await fs.promises.chmod(binary, 0o755);
    // the work directory is inside binDir: one rename on one file system, so the old binary is replaced whole
    await fs.promises.rename(binary, path);
    const stamp: Stamp = { version: t.version, platform: t.platform, url: t.url, sha256: t.sha256, binarySha256: (await sha256File(path))! };
    await fs.promises.writeFile(stampPath(o.binDir, t.name), `${JSON.stringify(stamp, null, 2)}\n`);
    return { name: t.name, version: t.version, path, action: "installed" };
  } finally {
    await fs.promises.rm(work, { recursive: true, force: true });
  }
}

/** Installs each pinned CLI in turn; the first failure stops the rest and names the tool. */
export async function installTools(tools: readonly ToolDownload[], o: InstallOptions): Promise<Installed[]> {
  const done: Installed[] = [];
  for (const t of tools) {
    try {
      done.push(await installTool(t, o));
    } catch (err) {
      const ok = done.map((d) => `${d.name} ${d.version}`).join(", ");
      throw new Error(`installing ${t.name} ${t.version} for ${t.platform} into ${o.binDir} failed${ok ? ` (${ok} in place)` : ""}: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  return done;
}
