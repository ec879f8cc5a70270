/**
 * A secrets directory laid out the way the Secrets Store CSI driver writes
 * its mount (kubernetes-sigs/secrets-store-csi-driver
 * pkg/util/fileutil/atomic_writer.go, vendored from kubernetes
 * pkg/volume/util/atomic_writer.go):
 *
 *   <dir>/..2026_05_08_16_24_19.123456789/db-password   real files
 *   <dir>/..data -> ..2026_05_08_16_24_19.123456789     swapped by rename(2)
 *   <dir>/db-password -> ..data/db-password             user-visible symlinks
 *
 * A write creates a new timestamped dir, points `..data_tmp` at it, renames
 * that over `..data` (atomic), prunes visible links no longer in the payload
 * and removes the previous timestamped dir.
 */
import { chmod, lstat, mkdir, mkdtemp, readdir, readlink, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const DATA = "..data";
const DATA_TMP = "..data_tmp";

/** Go's `time.Now().UTC().Format("..2006_01_02_15_04_05.")`. */
export function timestampPrefix(now: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

export interface SecretsVolume {
  readonly path: string;
  /** Atomically replaces the whole payload (file name -> content). */
  write(payload: Readonly<Record<string, string>>): Promise<void>;
  /** The timestamped dir `..data` points at now, if any. */
  currentDataDir(): Promise<string | undefined>;
  /** Removes every entry: the app then finds no secrets at all. */
  clear(): Promise<void>;
  remove(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function writePayload(dir: string, payload: Readonly<Record<string, string>>): Promise<void> {
  for (const name of Object.keys(payload)) {
    if (!name || name.startsWith("..") || name.includes("/")) throw new Error(`invalid secret file name ${JSON.stringify(name)}`);
  }
  const old = await readlink(join(dir, DATA)).catch(() => undefined);
  const ts = await mkdtemp(join(dir, timestampPrefix(new Date())));
  await chmod(ts, 0o755);
  for (const [name, content] of Object.entries(payload)) {
    const file = join(ts, name);
    await writeFile(file, content, { mode: 0o644 });
    await chmod(file, 0o644);
  }
  for (const name of Object.keys(payload)) {
    if (!(await exists(join(dir, name)))) await symlink(join(DATA, name), join(dir, name));
  }
  const tsName = ts.slice(dir.length + 1);
  await rm(join(dir, DATA_TMP), { force: true });
  await symlink(tsName, join(dir, DATA_TMP));
  await rename(join(dir, DATA_TMP), join(dir, DATA));
  for (const entry of await readdir(dir)) {
    if (!entry.startsWith("..") && !(entry in payload)) await rm(join(dir, entry), { force: true });
  }
  if (old) await rm(join(dir, old), { recursive: true, force: true });
}

/** Creates an empty secrets directory under the system temp dir (or `parent`). */
export async function createSecretsVolume(parent = tmpdir()): Promise<SecretsVolume> {
  await mkdir(parent, { recursive: true });
  const path = await mkdtemp(join(parent, "secretproof-secrets-"));
  await chmod(path, 0o755);
  const remove = () => rm(path, { recursive: true, force: true });
  return {
    path,
    write: (payload) => writePayload(path, payload),
    currentDataDir: () => readlink(join(path, DATA)).catch(() => undefined),
    clear: async () => {
      for (const entry of await readdir(path)) await rm(join(path, entry), { recursive: true, force: true });
    },
    remove,
    [Symbol.asyncDispose]: remove,
  };
}
