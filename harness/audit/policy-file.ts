import { createHash } from "node:crypto";
import { parseAllDocuments, stringify } from "yaml";
import { MANAGED_BY, RUN_ID_LABEL } from "../../clusters/names.ts";
import { PermanentError } from "../core/errors.ts";
import { policySchemaProblems } from "../tetragon/policy-schema.ts";
import { POLICY_RESOURCE, type TracingPolicyDoc } from "../tetragon/policy.ts";
import type { WorkloadPlacement } from "./agents.ts";
import type { AuditTarget } from "./target.ts";
import { unjudgeableKillProblem } from "./judgeable-policy.ts";
import { describePolicies, enforcing, policyFindings, type TracingPolicyJson } from "./tracing-policy.ts";

export const POLICY_API_VERSION = "cilium.io/v1alpha1";
export const POLICY_KIND = "TracingPolicyNamespaced";

/** A policy file as read: its bytes' digest and its one document. */
export interface PolicyFile {
  source: string;
  sha256: string;
  doc: Record<string, unknown>;
}

/** The policy as this run creates it: named, in the workload's namespace, labelled with the run id. */
export interface PreparedPolicy {
  source: string;
  /** sha256 of the file's bytes as given. */
  fileSha256: string;
  doc: TracingPolicyDoc;
  /** The object as sent, as YAML (the bundle's audit/policy.yaml), and its sha256. */
  yaml: string;
  sha256: string;
  /** The name was generated (the file gave none). */
  generatedName: boolean;
}

export const sha256Of = (data: string | Buffer): string => createHash("sha256").update(data).digest("hex");

/** The file's one YAML document; anything else (not YAML, several documents, not a mapping) is refused naming it. Pure. */
export function readPolicyFile(text: string, source: string): PolicyFile {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new PermanentError(`--apply-policy ${source}: holds no YAML document; give one TracingPolicyNamespaced`);
  const broken = docs.find((d) => d.errors.length);
  if (broken) throw new PermanentError(`--apply-policy ${source}: is not YAML: ${broken.errors[0]!.message}`);
  const values = docs.map((d) => d.toJS() as unknown).filter((v) => v !== null && v !== undefined);
  if (values.length !== 1) throw new PermanentError(`--apply-policy ${source}: holds ${values.length} YAML documents; give exactly one TracingPolicyNamespaced`);
  const doc = values[0];
  if (typeof doc !== "object" || Array.isArray(doc)) throw new PermanentError(`--apply-policy ${source}: is not a mapping; give one TracingPolicyNamespaced`);
  return { source, sha256: sha256Of(text), doc: doc as Record<string, unknown> };
}

/** The name this run gives a policy whose file names none: it carries the run id, so it cannot be someone else's. */
export const generatedPolicyName = (runId: string): string => `secretproof-audit-${runId.toLowerCase()}`.replace(/[^a-z0-9-]/g, "-").slice(0, 253).replace(/-+$/, "");

/** Why a policy of this kind cannot be applied, or undefined for a TracingPolicyNamespaced. Pure. */
function kindProblem(doc: Record<string, unknown>, ns: string): string | undefined {
  if (doc.kind === "TracingPolicy") {
    return `is a cluster-scoped TracingPolicy; the auditor's role gets namespaced verbs only (create and delete ${POLICY_RESOURCE} in ${ns}), so write it as a ${POLICY_KIND} in namespace ${ns}`;
  }
  if (doc.kind !== POLICY_KIND) return `is kind ${JSON.stringify(doc.kind ?? null)}, not ${POLICY_KIND} (${POLICY_API_VERSION}); give one ${POLICY_KIND} in namespace ${ns}`;
  if (doc.apiVersion !== POLICY_API_VERSION) return `has apiVersion ${JSON.stringify(doc.apiVersion ?? null)}; a ${POLICY_KIND} is ${POLICY_API_VERSION}`;
  return undefined;
}

/**
 * The object this run would create, before any check: the file's policy with
 * the workload's namespace filled in when it names none, the generated name
 * when it names none, and the labels that mark it this run's. Pure.
 */
export function asApplied(doc: Record<string, unknown>, ns: string, runId: string): { doc: Record<string, unknown>; generatedName: boolean } {
  const meta = (typeof doc.metadata === "object" && doc.metadata !== null ? doc.metadata : {}) as Record<string, unknown>;
  const generatedName = meta.name === undefined;
  const labels = { ...((meta.labels as Record<string, string> | undefined) ?? {}), ...MANAGED_BY, [RUN_ID_LABEL]: runId };
  const metadata = { ...meta, name: meta.name ?? generatedPolicyName(runId), namespace: meta.namespace ?? ns, labels };
  return { doc: { ...doc, metadata }, generatedName };
}

/** What the audit knows of the workload when it checks the policy: its pods' labels and where they run. */
export interface PolicyWorkload {
  pods: readonly WorkloadPlacement[];
}

/**
 * Every reason the policy cannot be applied for this target, in the order
 * they are checked; empty when it can. Kind, namespace, the project's strict
 * schema, then whether it selects every workload pod and the container, runs
 * in enforce mode and Sigkills readers of every path under the mount
 * (tracing-policy.ts policyFindings, the read-only audit's own reading). Pure.
 */
export function policyRefusals(doc: Record<string, unknown>, t: AuditTarget, w: PolicyWorkload): string[] {
  const ns = t.workload.namespace;
  const kind = kindProblem(doc, ns);
  if (kind) return [kind];
  const meta = doc.metadata as { namespace?: unknown; name?: unknown };
  if (meta.namespace !== ns) return [`is in namespace ${JSON.stringify(meta.namespace)}, not the workload's ${ns} (target.workload.namespace); a ${POLICY_KIND} selects pods of its own namespace only`];
  const schema = policySchemaProblems(doc);
  if (schema.length) {
    return [
      `does not match secretproof's strict ${POLICY_KIND} schema (fixtures/tetragon/tracingpolicynamespaced.schema.json; it refuses any field it does not know, because the API server would drop it silently): ${schema.join("; ")}`,
    ];
  }
  const finding = policyFindings([doc as TracingPolicyJson], { namespace: ns, container: t.workload.container, pods: w.pods }, t.secrets.mountPath);
  if (!enforcing(finding).length) return [describePolicies(finding, t.secrets.mountPath).text];
  const unjudgeable = unjudgeableKillProblem((doc as { spec?: Parameters<typeof unjudgeableKillProblem>[0] }).spec, t.secrets.mountPath);
  return unjudgeable ? [unjudgeable] : [];
}

/** The policy ready to create, or a PermanentError naming every refusal; nothing is applied before this passes. Pure. */
export function preparePolicy(file: PolicyFile, t: AuditTarget, w: PolicyWorkload, runId: string): PreparedPolicy {
  const { doc, generatedName } = asApplied(file.doc, t.workload.namespace, runId);
  const refusals = policyRefusals(doc, t, w);
  if (refusals.length) throw new PermanentError(`--apply-policy ${file.source} is refused, nothing was applied: the policy ${refusals.join("; ")}`);
  const yaml = stringify(doc);
  return { source: file.source, fileSha256: file.sha256, doc: doc as unknown as TracingPolicyDoc, yaml, sha256: sha256Of(yaml), generatedName };
}

/** Refuses a name a policy in the namespace already has: this run never overwrites, nor later deletes, someone else's. Pure. */
export function nameTakenProblem(p: PreparedPolicy, existing: readonly string[]): string | undefined {
  const { name, namespace } = p.doc.metadata;
  if (!existing.includes(name)) return undefined;
  const fix = p.generatedName ? "run again (the generated name carries the run id)" : "give the policy a name no policy in the namespace has, or leave metadata.name out to have one generated";
  return `--apply-policy ${p.source} is refused, nothing was applied: a ${POLICY_KIND} named ${name} already exists in ${namespace}, and the audit never overwrites or deletes a policy it did not create; ${fix}`;
}
