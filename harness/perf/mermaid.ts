import type { GraphStep } from "./model.ts";

/** A step graph as a mermaid flowchart (one edge a line, in the graph's order), for the README. */
export function mermaidGraph(steps: readonly GraphStep[], critical: readonly string[] = []): string {
  const id = (n: string) => n.replace(/[^a-zA-Z0-9]/g, "_");
  const lines = ["flowchart LR"];
  for (const s of steps) {
    if (s.deps.length === 0) lines.push(`  ${id(s.name)}["${s.name}"]`);
    for (const d of s.deps) lines.push(`  ${id(d)} --> ${id(s.name)}["${s.name}"]`);
  }
  if (critical.length) lines.push(`  classDef critical stroke-width:3px`, `  class ${critical.map(id).join(",")} critical`);
  return lines.join("\n");
}
