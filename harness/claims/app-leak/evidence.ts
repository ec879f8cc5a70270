import { Ajv } from "ajv";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import type { BundleView } from "../registry.ts";
import { LAYOUT } from "./layout.ts";
import type { L1Scan } from "./scan.ts";

/** Writes the scan: sources by name, length and hash, secrets by marker, leaks by kind, length and offset. */
export async function writeL1Evidence(w: ArtifactWriter, scan: L1Scan): Promise<string[]> {
  return [await w.write(LAYOUT.scan, scan)];
}

const int = { type: "integer", minimum: 0 } as const;
const str = { type: "string" } as const;
const leak = {
  type: "object",
  additionalProperties: false,
  required: ["kind", "length", "index", "source", "secret"],
  properties: { kind: { enum: ["whole", "prefix"] }, length: int, index: int, source: str, secret: str },
} as const;
const SCAN = {
  type: "object",
  additionalProperties: false,
  required: ["secrets", "sources", "leaks", "control", "minPrefix"],
  properties: {
    secrets: {
      type: "array",
      items: { type: "object", additionalProperties: false, required: ["label", "marker"], properties: { label: str, marker: { type: "string", pattern: "^<redacted sha256:[0-9a-f]{16} len:\\d+>$" } } },
    },
    sources: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "kind", "length", "sha256"],
        properties: { name: str, kind: { enum: ["response", "log"] }, status: int, length: int, sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } },
      },
    },
    leaks: { type: "array", items: leak },
    control: { type: "object", additionalProperties: false, required: ["leaks"], properties: { leaks: { type: "array", items: leak } } },
    minPrefix: { type: "integer", minimum: 1 },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(SCAN);

/** Reads back what `writeL1Evidence` wrote; anything else (a character field included) is refused. */
export function readL1Evidence(view: BundleView): { scan: L1Scan; evidence: string[] } {
  const value = view.json<unknown>(LAYOUT.scan);
  if (!validate(value)) throw new Error(`${LAYOUT.scan} is not what L1 records: ${new Ajv().errorsText(validate.errors, { dataVar: "" })}`);
  return { scan: value as unknown as L1Scan, evidence: [LAYOUT.scan] };
}
