import { access, readdir } from "node:fs/promises";
import { constants } from "node:fs";
import { join } from "node:path";
import { execa } from "execa";
import { which } from "./exec.ts";

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds the directory holding PostgreSQL's server binaries (initdb, pg_ctl,
 * postgres): $SECRETPROOF_PG_BINDIR, then Debian's /usr/lib/postgresql/<v>/bin
 * (newest first), then `pg_config --bindir`, then initdb on PATH.
 */
export async function findPgBindir(env = process.env): Promise<string | undefined> {
  const candidates: string[] = [];
  if (env.SECRETPROOF_PG_BINDIR) candidates.push(env.SECRETPROOF_PG_BINDIR);
  try {
    const versions = (await readdir("/usr/lib/postgresql")).filter((v) => /^\d+$/.test(v));
    versions.sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    /* not Debian-style */
  }
  const pgConfig = await execa("pg_config", ["--bindir"], { reject: false });
  if (pgConfig.exitCode === 0) candidates.push(pgConfig.stdout.trim());
  const onPath = await which("initdb");
  if (onPath) candidates.push(onPath.replace(/\/initdb$/, ""));
  for (const dir of candidates) {
    if ((await executable(join(dir, "initdb"))) && (await executable(join(dir, "pg_ctl")))) return dir;
  }
  return undefined;
}

const PY_MODULES = ["flask", "psycopg2"];

/**
 * Finds a python3 that imports flask and psycopg2: $SECRETPROOF_PYTHON, then
 * python3 on PATH, then Debian's /usr/bin/python3. Returns the first that
 * works, or undefined.
 */
export async function findPython(env = process.env): Promise<string | undefined> {
  const candidates = [env.SECRETPROOF_PYTHON, await which("python3"), "/usr/bin/python3"].filter(
    (c): c is string => Boolean(c),
  );
  for (const py of new Set(candidates)) {
    const r = await execa(py, ["-c", `import ${PY_MODULES.join(", ")}`], { reject: false, timeout: 20_000 });
    if (r.exitCode === 0) return py;
  }
  return undefined;
}
