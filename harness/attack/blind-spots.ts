import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";

/** The controls a catalogue entry is judged against. */
export const CONTROLS = ["falco", "tetragon", "seccomp"] as const;
export type Control = (typeof CONTROLS)[number];

/** A control that, by upstream design, does not see or stop what an entry does: declared, and still judged. */
export interface BlindSpot {
  control: Control;
  reason: string;
  /** Pinned upstream file:line, issue or PR the outcome rests on. */
  source: string;
}

/** What neither control catches by design, shown next to the passes. */
export interface DeclaredBlindSpot {
  id: string;
  title: string;
  controls: Control[];
  reason: string;
  source: string;
  /** Catalogue entries that measure its edge, if any. */
  measuredBy?: string[];
}

export const BLIND_SPOT_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["control", "reason", "source"],
  properties: { control: { enum: CONTROLS }, reason: { type: "string", minLength: 1 }, source: { type: "string", minLength: 1 } },
};

const LIST_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["blindSpots"],
  properties: {
    blindSpots: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "title", "controls", "reason", "source"],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" },
          title: { type: "string", minLength: 1 },
          controls: { type: "array", minItems: 1, items: { enum: CONTROLS } },
          reason: { type: "string", minLength: 1 },
          source: { type: "string", minLength: 1 },
          measuredBy: { type: "array", items: { type: "string" } },
        },
      },
    },
  },
};

export const BLIND_SPOTS_PATH = new URL("../../fixtures/attacks/blind-spots.yaml", import.meta.url);

/** Problems of a parsed blind-spot list; `attackIds` are the catalogue's, which measuredBy must name. */
export function blindSpotProblems(doc: unknown, attackIds: ReadonlySet<string>): string[] {
  const validate = new Ajv({ allErrors: true }).compile(LIST_SCHEMA);
  if (!validate(doc)) return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "invalid"}`);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const b of (doc as { blindSpots: DeclaredBlindSpot[] }).blindSpots) {
    if (seen.has(b.id)) problems.push(`${b.id}: duplicate id`);
    seen.add(b.id);
    for (const m of b.measuredBy ?? []) if (!attackIds.has(m)) problems.push(`${b.id}: measuredBy names ${m}, which is not in the catalogue`);
  }
  return problems;
}

/** Loads fixtures/attacks/blind-spots.yaml; throws listing every problem. */
export function loadBlindSpots(attackIds: ReadonlySet<string>, path: URL | string = BLIND_SPOTS_PATH): DeclaredBlindSpot[] {
  const doc: unknown = parse(readFileSync(path, "utf8"));
  const problems = blindSpotProblems(doc, attackIds);
  if (problems.length) throw new Error(`blind-spot list ${String(path)} is invalid:\n  ${problems.join("\n  ")}`);
  return (doc as { blindSpots: DeclaredBlindSpot[] }).blindSpots;
}
