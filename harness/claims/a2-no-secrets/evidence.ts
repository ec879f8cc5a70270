import { Ajv } from "ajv";
import type { A2Result, A2Scan, A2Scope } from "./judge.ts";
import type { BundleView } from "../registry.ts";
import type { ArtifactWriter } from "../../evidence/recorder.ts";
import { LAYOUT } from "./layout.ts";

/**
 * Writes what A2 was judged on without a single value: the scope (needles by
 * label, kind and hash, the rules' parameters), the scan's inventory of objects
 * (names, types, labels, data key names) and needle hits (object, field,
 * needle hash), and the findings. The raw kubectl documents hold every Secret
 * in the cluster and are never written.
 */
export async function writeA2Evidence(w: ArtifactWriter, scope: A2Scope, result: A2Result): Promise<string[]> {
  const error = result.error === undefined ? {} : { scanError: result.error };
  return Promise.all([
    w.write(LAYOUT.scope, scope),
    w.write(LAYOUT.inventory, result.inventory),
    w.write(LAYOUT.findings, { findings: result.findings, controlHits: result.controlHits, hits: result.hits, ...error }),
  ]);
}

const str = { type: "string" } as const;
const strings = { type: "array", items: str } as const;
const obj = (props: Record<string, object>, required = Object.keys(props)) => ({ type: "object", required, properties: props });
const needle = obj({ label: str, marker: { type: "string", pattern: "^<redacted sha256:[0-9a-f]{16} len:\\d+>$" }, kind: { enum: ["db-username", "db-password"] } }, ["label", "marker"]);
const ref = { kind: str, namespace: str, name: str };

const SCOPE = obj({
  identities: { type: "array", items: needle },
  control: { allOf: [needle, obj({ namespace: str, name: str, notPlanted: str }, ["namespace", "name"])] },
  secretFreeNamespaces: strings,
  allowedSecrets: { type: "array", items: obj({ namespace: str, name: str, reason: str }) },
});
const INVENTORY = {
  type: "array",
  items: obj(
    { ...ref, type: str, labels: { type: "object", additionalProperties: str }, keys: strings, fieldsScanned: { type: "integer", minimum: 0 } },
    ["kind", "namespace", "name", "labels", "keys", "fieldsScanned"],
  ),
};
const FINDINGS = obj({ hits: { type: "array", items: obj({ object: obj(ref), where: str, needle }) }, scanError: str }, ["hits"]);

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = { scope: ajv.compile(SCOPE), inventory: ajv.compile(INVENTORY), findings: ajv.compile(FINDINGS) };

function read<T>(view: BundleView, file: keyof typeof LAYOUT): T {
  const path = LAYOUT[file];
  const value = view.json<unknown>(path);
  const validate = validators[file];
  if (!validate(value)) throw new Error(`${path} is not what A2 records: ${ajv.errorsText(validate.errors, { dataVar: "" })}`);
  return value as T;
}

/** Reads back the scope and the scan `writeA2Evidence` wrote, for judging offline. */
export function readA2Evidence(view: BundleView): { scope: A2Scope; scan: A2Scan; evidence: string[] } {
  const scope = read<A2Scope>(view, "scope");
  const inventory = read<A2Scan["inventory"]>(view, "inventory");
  const { hits, scanError } = read<{ hits: A2Scan["hits"]; scanError?: string }>(view, "findings");
  const scan: A2Scan = { hits, inventory, ...(scanError === undefined ? {} : { error: scanError }) };
  return { scope, scan, evidence: Object.values(LAYOUT) };
}
