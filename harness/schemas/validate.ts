import { Ajv, type AnySchema, type ValidateFunction } from "ajv";

const ajv = new Ajv({ allErrors: true, strict: true });
const compiled = new Map<AnySchema, ValidateFunction>();

/** Problems of `value` against a JSON schema, one "path: message" line each; empty when valid. */
export function schemaProblems(schema: AnySchema, value: unknown): string[] {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  if (validate(value)) return [];
  return (validate.errors ?? []).map((e) => {
    const extra = e.keyword === "additionalProperties" ? ` (${String(e.params.additionalProperty)})` : "";
    return `${e.instancePath || "/"}: ${e.message ?? e.keyword}${extra}`;
  });
}
