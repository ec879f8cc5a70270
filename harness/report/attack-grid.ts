import type { Attack } from "../attack/catalogue.ts";
import type { RunCatalogue } from "../claims/detection/run-catalogue.ts";
import { LAYOUT as DETECTION } from "../claims/detection/layout.ts";
import { LAYOUT as ENFORCEMENT } from "../claims/enforcement/layout.ts";
import type { BundleView, MatrixRow } from "../claims/registry.ts";
import { shellLine } from "./argv.ts";
import { msOrDash, yesNo } from "./format.ts";

/**
 * The attack matrix as the report draws it: one row per catalogue entry, in
 * the order of the catalogue the run recorded, each observed cell compared
 * with what the entry declares.
 */
export type CellState = "expected" | "unexpected" | "unobserved" | "undeclared";

export interface GridCell {
  text: string;
  state: CellState;
  /** What the catalogue declares, in words, when the cell differs from it. */
  declared?: string;
  /** A second, smaller line (e.g. the Falco rule). */
  note?: string;
}

export interface GridRow {
  attack: string;
  /** The entry's argv as typed at a shell, else the row's recorded method. */
  command: string;
  mitre: string[];
  cells: GridCell[];
  evidence: string[];
}

export const GRID_COLUMNS = ["Falco alert", "Tetragon kill", "exit code", "time to detect", "time to kill"] as const;

/** The entries of the run's catalogues (detection's, then enforcement's), first declaration of an id wins per phase. */
function recordedEntries(view: BundleView): { detection: Map<string, Attack>; enforcement: Map<string, Attack>; order: string[] } {
  const read = (path: string): Attack[] => (view.has(path) ? (view.json<RunCatalogue>(path).attacks ?? []) : []);
  const detection = new Map(read(DETECTION.catalogue).map((a) => [a.id, a]));
  const enforcement = new Map(read(ENFORCEMENT.catalogue).map((a) => [a.id, a]));
  return { detection, enforcement, order: [...new Set([...detection.keys(), ...enforcement.keys()])] };
}

function judged(text: string, ok: boolean | undefined, declared: string): GridCell {
  if (ok === undefined) return { text, state: "undeclared" };
  return ok ? { text, state: "expected" } : { text, state: "unexpected", declared };
}

function falcoCell(r: MatrixRow, a: Attack | undefined): GridCell {
  if (r.falcoFired === undefined) return { text: "—", state: "unobserved" };
  const fires = a ? a.falco.fires.length > 0 : undefined;
  const note = r.falcoRule ?? undefined;
  return { ...judged(yesNo(r.falcoFired), fires === undefined ? undefined : fires === r.falcoFired, fires ? "an alert" : "no alert"), ...(note ? { note } : {}) };
}

function killCell(r: MatrixRow, a: Attack | undefined): GridCell {
  if (r.tetragonKilled === undefined) return { text: "—", state: "unobserved" };
  const kill = a ? a.enforcement.tetragon === "kill" : undefined;
  return judged(yesNo(r.tetragonKilled), kill === undefined ? undefined : kill === r.tetragonKilled, kill ? "a kill" : "spared");
}

function exitCell(r: MatrixRow, a: Attack | undefined): GridCell {
  if (r.exitCode === undefined) return { text: "—", state: "unobserved" };
  const want = a?.enforcement.exitCode;
  return judged(r.exitCode === null ? "none" : String(r.exitCode), want === undefined ? undefined : want === r.exitCode, `exit ${want}`);
}

/** A latency cell: a time is expected exactly when the entry declares the event (an alert, a kill). */
function latencyCell(v: number | null | undefined, declared: boolean | undefined, what: string): GridCell {
  if (v === undefined) return { text: "—", state: "unobserved" };
  return judged(msOrDash(v), declared === undefined ? undefined : declared === (v !== null), declared ? `a ${what}` : `no ${what}`);
}

function gridRow(r: MatrixRow, det: Attack | undefined, enf: Attack | undefined): GridRow {
  const entry = enf ?? det;
  const mitre = (r as MatrixRow & { mitre?: string[] }).mitre ?? [];
  return {
    attack: r.attack,
    command: entry ? `${shellLine(entry.command)}${entry.tty ? " (on a TTY)" : ""}` : r.method,
    mitre,
    cells: [
      falcoCell(r, det ?? enf),
      killCell(r, enf),
      exitCell(r, enf),
      latencyCell(r.timeToDetectMs, det ? det.falco.fires.length > 0 : undefined, "detection"),
      latencyCell(r.timeToKillMs, enf ? enf.enforcement.tetragon === "kill" : undefined, "kill"),
    ],
    evidence: r.evidence ?? [],
  };
}

/** The grid from the merged matrix rows: catalogue order first, then rows no catalogue declares, in file order. */
export function attackGrid(view: BundleView, rows: readonly MatrixRow[]): { rows: GridRow[]; catalogueError?: string } {
  let cat: ReturnType<typeof recordedEntries> = { detection: new Map(), enforcement: new Map(), order: [] };
  let catalogueError: string | undefined;
  try {
    cat = recordedEntries(view);
  } catch (err) {
    catalogueError = `the recorded catalogue could not be read, so cells are not compared with it: ${err instanceof Error ? err.message : String(err)}`;
  }
  const rank = new Map(cat.order.map((id, i) => [id, i]));
  const ordered = [...rows].sort((a, b) => (rank.get(a.attack) ?? rank.size) - (rank.get(b.attack) ?? rank.size));
  return {
    rows: ordered.map((r) => gridRow(r, cat.detection.get(r.attack), cat.enforcement.get(r.attack))),
    ...(catalogueError ? { catalogueError } : {}),
  };
}
