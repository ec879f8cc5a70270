import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { CLAIM_IDS, type Verdict } from "../claims/verdict.ts";
import { RUN_JSON, RUN_SCHEMA_VERSION, type RunRecord } from "../evidence/recorder.ts";
import { runMemorySchema } from "./render-memory.ts";

const ISO_TIME = "^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?Z$";
const VERDICT_VALUE = { enum: ["pass", "fail", "inconclusive"] };
const STRINGS = { type: "array", items: { type: "string" } };

const timing = {
  type: "object",
  required: ["name", "startedAt", "durationMs", "ok"],
  properties: {
    name: { type: "string" },
    startedAt: { type: "string", pattern: ISO_TIME },
    durationMs: { type: "number", minimum: 0 },
    ok: { type: "boolean" },
    error: { type: "string" },
    deps: STRINGS,
  },
};

/** JSON Schema of one verdict, as judges return it and run.json stores it. */
export const verdictSchema = {
  type: "object",
  required: ["claim", "verdict", "reasons", "evidence"],
  properties: {
    claim: { enum: [...CLAIM_IDS] },
    subject: { type: "string" },
    verdict: VERDICT_VALUE,
    reasons: STRINGS,
    evidence: STRINGS,
    negativeControl: {
      type: "object",
      required: ["verdict", "reasons"],
      properties: { verdict: VERDICT_VALUE, reasons: STRINGS },
    },
  },
} as const;

/** JSON Schema of run.json (schemaVersion 1). Unknown extra fields are allowed. */
export const runRecordSchema = {
  $id: "https://secretproof.dev/schemas/run.json",
  type: "object",
  required: [
    ...["schemaVersion", "runId", "status", "startedAt", "tool", "profile", "environment", "versions"],
    ...["steps", "suites", "verdicts", "redacted"],
  ],
  properties: {
    schemaVersion: { const: RUN_SCHEMA_VERSION },
    runId: { type: "string", minLength: 1 },
    status: { enum: ["running", "passed", "failed", "aborted"] },
    startedAt: { type: "string", pattern: ISO_TIME },
    finishedAt: { type: "string", pattern: ISO_TIME },
    tool: {
      type: "object",
      required: ["name", "version", "node"],
      properties: { name: { type: "string" }, version: { type: "string" }, node: { type: "string" } },
    },
    profile: {},
    environment: { type: "object", additionalProperties: { type: "string" } },
    versions: {},
    expectations: {
      type: "object",
      required: ["catalogue", "falcoRules", "tetragonPolicy", "profile", "claims"],
      properties: Object.fromEntries(
        ["catalogue", "falcoRules", "tetragonPolicy", "profile", "claims", "commit"].map((k) => [k, { type: "string", pattern: k === "commit" ? "^[0-9a-f]{7,64}(-dirty)?$" : "^[0-9a-f]{64}$" }]),
      ),
    },
    steps: { type: "array", items: timing },
    suites: { type: "array", items: timing },
    memory: runMemorySchema,
    verdicts: { type: "array", items: verdictSchema },
    redacted: STRINGS,
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateRun = ajv.compile(runRecordSchema);
const validateVerdicts = ajv.compile({ type: "array", items: verdictSchema });

/** Ajv errors in words; missing properties are grouped per object. */
function describeErrors(errors: ErrorObject[] | null | undefined): string {
  const missing = new Map<string, string[]>();
  const other: string[] = [];
  for (const e of errors ?? []) {
    const where = e.instancePath || "(top level)";
    if (e.keyword === "required") {
      missing.set(where, [...(missing.get(where) ?? []), String(e.params.missingProperty)]);
      continue;
    }
    const allowed = "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : "";
    other.push(`${where} ${e.message ?? "is invalid"}${allowed}`);
  }
  const parts = [...other, ...[...missing].map(([where, props]) => `${where} is missing ${props.join(", ")}`)];
  return parts.slice(0, 10).join("; ");
}

function parseJson(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new Error(`${path} is not valid JSON (${text.length} bytes): truncated or corrupted: ${why}`, { cause: err });
  }
}

function check<T>(value: unknown, validate: ValidateFunction, path: string, what: string): T {
  if (!validate(value)) throw new Error(`${path} is not a valid ${what}: ${describeErrors(validate.errors)}`);
  return value as T;
}

/** Parses run.json, naming what is wrong when it is truncated, malformed or of another schema version. */
export function parseRunRecord(text: string, path = RUN_JSON): RunRecord {
  const value = parseJson(text, path);
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === "number" && version !== RUN_SCHEMA_VERSION) {
    throw new Error(`${path} has schemaVersion ${version}; this secretproof reads schemaVersion ${RUN_SCHEMA_VERSION}`);
  }
  return check<RunRecord>(value, validateRun, path, `run record (schemaVersion ${RUN_SCHEMA_VERSION})`);
}

/** Parses a claim family's verdicts file (verdicts/<family>.json). */
export function parseVerdicts(text: string, path: string): Verdict[] {
  return check<Verdict[]>(parseJson(text, path), validateVerdicts, path, "list of verdicts");
}
