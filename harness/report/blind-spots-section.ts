import type { DeclaredBlindSpot } from "../attack/blind-spots.ts";

/*
 * The report's "Declared blind spots" section: what neither control catches
 * by design (fixtures/attacks/blind-spots.yaml), next to the passes.
 */

const INTRO = "What the controls do not catch by design; the catalogue entries named run at each edge and are judged like the others.";

export function blindSpotsMd(list: readonly DeclaredBlindSpot[] | undefined, cell: (s: string) => string): string[] {
  if (!list?.length) return [];
  const head = "| blind spot | controls | why | upstream evidence | measured by |\n|---|---|---|---|---|";
  const rows = list.map((b) => `| ${[b.title, b.controls.join(", "), b.reason, b.source, b.measuredBy?.join(", ") ?? "—"].map(cell).join(" | ")} |`);
  return ["## Declared blind spots", INTRO, [head, ...rows].join("\n")];
}

export function blindSpotsHtml(list: readonly DeclaredBlindSpot[] | undefined, esc: (s: string) => string): string[] {
  if (!list?.length) return [];
  const th = ["blind spot", "controls", "why", "upstream evidence", "measured by"].map((h) => `<th scope="col">${esc(h)}</th>`).join("");
  const rows = list.map((b) => `<tr>${[b.title, b.controls.join(", "), b.reason, b.source, b.measuredBy?.join(", ") ?? "—"].map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`);
  return [`<section><h2>Declared blind spots</h2><p>${esc(INTRO)}</p><table id="blind-spots"><thead><tr>${th}</tr></thead><tbody>\n${rows.join("\n")}\n</tbody></table></section>`];
}
