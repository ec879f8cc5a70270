import { readFileSync } from "node:fs";
import { Ajv } from "ajv";

export const POLICY_SCHEMA_PATH = new URL("../../fixtures/tetragon/tracingpolicynamespaced.schema.json", import.meta.url);

/** Problems of a TracingPolicyNamespaced against our strict, reduced schema (empty when valid). */
export function policySchemaProblems(doc: unknown): string[] {
  const schema = JSON.parse(readFileSync(POLICY_SCHEMA_PATH, "utf8")) as object;
  const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);
  if (validate(doc)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})` : "";
    return `${e.instancePath || "/"} ${e.message ?? "invalid"}${extra}`;
  });
}
