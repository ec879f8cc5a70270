import { formatMs } from "../../clusters/duration.ts";
import type { MatrixRow } from "../claims/registry.ts";

/** Verdict (a ShownVerdict, or any newer word) with a symbol that survives monochrome rendering. */
export function verdictLabel(v: string): string {
  const symbols: Readonly<Record<string, string>> = { pass: "✅", fail: "❌", inconclusive: "⚠️", "not run": "⏸️", "not proven": "⛔" };
  return `${symbols[v] ?? "•"} ${v}`;
}

export function yesNo(v: boolean | undefined): string {
  return v === undefined ? "—" : v ? "yes" : "no";
}

export function msOrDash(v: number | null | undefined): string {
  if (v === undefined) return "—";
  return v === null ? "none" : formatMs(v);
}

/** The matrix columns, as header → cell text. */
export const MATRIX_COLUMNS: [string, (r: MatrixRow) => string][] = [
  ["method", (r) => r.method],
  ["Falco rule", (r) => (r.falcoRule === undefined ? "—" : (r.falcoRule ?? "none"))],
  ["Falco alert", (r) => yesNo(r.falcoFired)],
  ["Tetragon kill", (r) => yesNo(r.tetragonKilled)],
  ["exit code", (r) => (r.exitCode === undefined ? "—" : r.exitCode === null ? "none" : String(r.exitCode))],
  ["time to detect", (r) => msOrDash(r.timeToDetectMs)],
  ["time to kill", (r) => msOrDash(r.timeToKillMs)],
];
