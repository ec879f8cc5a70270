import { basename, dirname } from "node:path/posix";
import { APP } from "../../clusters/names.ts";
import type { Attack, FalcoExpectation } from "./catalogue.ts";

/** Where a run's catalogue read: the mount and the password file, when not the kind stack's (an audit's target). */
export interface CataloguePaths {
  mountPath: string;
  passwordFile: string;
}

/**
 * Rewrites the kind stack's mount and password file, as the catalogue spells
 * them, into the target's: the dot-segment form (/mnt/./secrets/) first, then
 * the mount, then the file's bare name (a `cd` into the mount reads it
 * relative). Pure.
 */
export function targetPaths(mountPath: string, file: string): (s: string) => string {
  const from = APP.mountPath;
  const dotted = `${dirname(from)}/./${basename(from)}/`;
  const toDotted = `${dirname(mountPath) === "/" ? "" : dirname(mountPath)}/./${basename(mountPath)}/`;
  return (s) => s.split(dotted).join(toDotted).split(from).join(mountPath).split(APP.passwordObject).join(file);
}

function falcoAt(f: FalcoExpectation, at: (s: string) => string): FalcoExpectation {
  return { ...f, fires: f.fires.map((x) => ({ ...x, cmdline: at(x.cmdline), ...(x.file ? { file: at(x.file) } : {}) })) };
}

/** One catalogue entry with its commands, stdin, target and expected alerts on the target's mount and file. Pure. */
export function attackAt(a: Attack, at: (s: string) => string): Attack {
  const out: Attack = { ...a, command: a.command.map(at), falco: falcoAt(a.falco, at) };
  if (a.stdin !== undefined) out.stdin = at(a.stdin);
  if (a.target !== undefined) out.target = at(a.target);
  if (a.when) out.when = Object.fromEntries(Object.entries(a.when).map(([c, o]) => [c, o.falco ? { ...o, falco: falcoAt(o.falco, at) } : o]));
  return out;
}


/** The entries on `paths` (unchanged without them): how a verifier reads an audit's recorded catalogue with its own. Pure. */
export function catalogueAt(attacks: readonly Attack[], paths: CataloguePaths | undefined): Attack[] {
  if (!paths) return [...attacks];
  const at = targetPaths(paths.mountPath, paths.passwordFile);
  return attacks.map((a) => attackAt(a, at));
}
