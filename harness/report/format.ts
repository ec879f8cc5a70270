import { formatMs } from "../../clusters/duration.ts";

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
