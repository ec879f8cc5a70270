import { Ajv, type ErrorObject } from "ajv";
import { parse as parseYaml } from "yaml";
import { PermanentError } from "../core/errors.ts";
import { credentialFields } from "./target-secrets.ts";
import { TARGET_FIXES, targetSchema } from "./target-schema.ts";

/** A pod to read from: by name, or the first pod a label selector matches. */
export interface PodRef {
  namespace: string;
  name?: string;
  selector?: string;
  container: string;
}

/** psql run inside a pod (needs pods/exec), on its socket or a host. */
export interface DatabaseInPod {
  pod: PodRef;
  socket?: string;
  host?: string;
  port?: number;
  user: string;
  database: string;
}

/** A connection string the auditor keeps in an environment variable or a file. */
export interface DatabaseConnection {
  connection: { env: string } | { file: string };
}

export type Agent = { absent: true } | { namespace: string; selector: string; container: string };

export type EtcdAccess = "kubeadm-static-pod" | "none" | { endpoints: string[]; caFile: string; certFile: string; keyFile: string };

/** The deployment under audit. Names and paths only: it holds no credential and is recorded as it is. */
export interface AuditTarget {
  apiVersion: string;
  kind: string;
  kubeContext: string;
  /** `service`: the Service (and port) --attack probes the app through (GET / with Accept: application/json); absent, the app is not probed. */
  workload: { namespace: string; kind: "Deployment" | "StatefulSet"; name: string; container: string; service?: { name: string; port: number } };
  /** `passwordFile`: which of `files` holds the database password the catalogue reads (db-password when absent and listed). */
  secrets: { mountPath: string; files: string[]; passwordFile?: string };
  database: DatabaseInPod | DatabaseConnection;
  vault: { address: string; tokenFile?: string; databaseMount: string; role: string };
  falco: Agent;
  tetragon: Agent;
  etcd: EtcdAccess;
}

export const isPresent = (a: Agent): a is Exclude<Agent, { absent: true }> => !("absent" in a);
export const inPodDatabase = (d: AuditTarget["database"]): d is DatabaseInPod => "pod" in d;

const ajv = new Ajv({ allErrors: true, strict: false });
const validate = ajv.compile(targetSchema);

/** "/vault/address" -> "vault.address"; "/secrets/files/0" -> "secrets.files[0]". */
function fieldPath(instancePath: string, missing?: string): string {
  const parts = instancePath.split("/").filter(Boolean);
  if (missing) parts.push(missing);
  return parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), "");
}

/** Fields whose alternatives (oneOf) give a single message: every error under them is folded into it. */
const ALTERNATIVES = ["database", "falco", "tetragon", "etcd"];

function describe(e: ErrorObject): { field: string; message: string } {
  const missing = e.keyword === "required" ? String(e.params.missingProperty) : undefined;
  const field = fieldPath(e.instancePath, missing);
  if (missing) return { field, message: "is missing" };
  if (e.keyword === "additionalProperties") return { field: fieldPath(e.instancePath, String(e.params.additionalProperty)), message: "is not a field of an audit target" };
  const allowed = "allowedValues" in e.params ? ` (${(e.params.allowedValues as unknown[]).join(", ")})` : "";
  return { field, message: `${e.message ?? "is invalid"}${allowed}` };
}

/** Schema errors in words: "target.<field>: <what>; <fix>", one alternative-field message each. Pure. */
export function targetProblems(value: unknown): string[] {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return [`target: is not a mapping; ${TARGET_FIXES.kind}, then the fields of fixtures/audit/target.example.yaml`];
  const credentials = credentialFields(value);
  if (credentials.length) return credentials;
  if (validate(value)) return [];
  const out = new Set<string>();
  for (const e of validate.errors ?? []) {
    const { field, message } = describe(e);
    const top = field.split(/[.[]/)[0] ?? "";
    if (ALTERNATIVES.includes(top) && !(e.keyword === "required" && e.instancePath === "")) out.add(`target.${top}: is not one of the accepted forms; ${TARGET_FIXES[top]}`);
    else out.add(`target.${field || "(top level)"}: ${message}; ${TARGET_FIXES[top] ?? "see fixtures/audit/target.example.yaml"}`);
  }
  return [...out];
}

/** Parses and validates a target file's text; throws naming every problem and its fix. */
export function parseTarget(text: string, source: string): AuditTarget {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (err) {
    throw new PermanentError(`${source} is not YAML: ${(err as Error).message}`, { cause: err });
  }
  const problems = targetProblems(value);
  if (problems.length) throw new PermanentError(`${source} is not a valid audit target:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return value as AuditTarget;
}
