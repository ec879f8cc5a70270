import { Ajv } from "ajv";
import type { BundleView, MatrixRow } from "./registry.ts";

/** Where suites record attack-matrix rows inside a bundle: matrix/<family>/<attack>.json. */
const MATRIX_DIR = "matrix";

export type MatrixField = Exclude<keyof MatrixRow, "attack" | "evidence">;
const MATRIX_FIELDS: readonly MatrixField[] = [
  "method",
  "falcoRule",
  "falcoFired",
  "tetragonKilled",
  "exitCode",
  "timeToDetectMs",
  "timeToKillMs",
];

/** The bundle path a family's suite writes an attack's row to. */
export function matrixArtifactPath(family: string, attack: string): string {
  if (!/^[a-z0-9-]+$/.test(family) || !/^[A-Za-z0-9._-]+$/.test(attack)) {
    throw new Error(`invalid matrix row path for family ${JSON.stringify(family)}, attack ${JSON.stringify(attack)}`);
  }
  return `${MATRIX_DIR}/${family}/${attack}.json`;
}

const nullableNumber = { type: ["number", "null"] };
const validateRow = new Ajv({ allErrors: true }).compile({
  type: "object",
  required: ["attack", "method"],
  additionalProperties: false,
  properties: {
    attack: { type: "string", minLength: 1 },
    method: { type: "string", minLength: 1 },
    falcoRule: { type: ["string", "null"] },
    falcoFired: { type: "boolean" },
    tetragonKilled: { type: "boolean" },
    exitCode: { type: ["integer", "null"] },
    timeToDetectMs: nullableNumber,
    timeToKillMs: nullableNumber,
    mitre: { type: "array", items: { type: "string", pattern: "^T[0-9]{4}(\\.[0-9]{3})?$" } },
    evidence: { type: "array", items: { type: "string" } },
  },
});

function mergeInto(into: MatrixRow, part: MatrixRow, path: string): void {
  for (const f of MATRIX_FIELDS) {
    if (part[f] === undefined || f === "method") continue;
    if (into[f] !== undefined && into[f] !== part[f]) {
      throw new Error(
        `${path}: attack ${part.attack} ${f} is ${JSON.stringify(part[f])}, another matrix file says ${JSON.stringify(into[f])}`,
      );
    }
    (into as unknown as Record<string, unknown>)[f] = part[f];
  }
  into.evidence = [...new Set([...(into.evidence ?? []), ...(part.evidence ?? []), path])];
}

/** Reads and merges (the first file's `method` label wins) every matrix/**\/*.json row in a bundle, in file order; throws naming a malformed file. */
export function readMatrix(view: BundleView): MatrixRow[] {
  const rows = new Map<string, MatrixRow>();
  for (const path of view.files.filter((f) => f.startsWith(`${MATRIX_DIR}/`) && f.endsWith(".json"))) {
    const part = view.json<unknown>(path);
    if (!validateRow(part)) {
      const why = (validateRow.errors ?? []).map((e) => `${e.instancePath || "(top level)"} ${e.message}`).join("; ");
      throw new Error(`${path} is not a valid matrix row: ${why}`);
    }
    const row = part as MatrixRow;
    const into = rows.get(row.attack) ?? { attack: row.attack, method: row.method, ...(row.mitre ? { mitre: row.mitre } : {}) };
    mergeInto(into, row, path);
    rows.set(row.attack, into);
  }
  return [...rows.values()];
}

/**
 * Where a family's recorded rows (matrix/<family>/*.json) differ from the rows
 * its evidence derives again: a changed field, a missing row, an extra row.
 */
export function matrixMismatches(view: BundleView, family: string, derived: readonly MatrixRow[]): string[] {
  const out: string[] = [];
  const want = new Map(derived.map((r) => [matrixArtifactPath(family, r.attack), r]));
  for (const [path, row] of want) {
    if (!view.has(path)) {
      out.push(`${path} is missing: the evidence derives ${JSON.stringify(row)}`);
      continue;
    }
    const rec = view.json<Record<string, unknown>>(path);
    for (const f of ["attack", ...MATRIX_FIELDS, "mitre", "evidence"] as const) {
      const was = JSON.stringify(rec[f]);
      const is = JSON.stringify(row[f]);
      if (was !== is) out.push(`${path}: ${f} is recorded as ${was ?? "absent"}; the evidence derives ${is ?? "absent"}`);
    }
  }
  const extra = view.files.filter((p) => p.startsWith(`${MATRIX_DIR}/${family}/`) && !want.has(p));
  out.push(...extra.map((p) => `${p} matches no catalogue entry of the ${family} evidence`));
  return out;
}
