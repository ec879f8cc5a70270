import { RUN_ID_LABEL } from "../../clusters/names.ts";
import type { CanaryRead, EnforcingProof, RemovalProof } from "../tetragon/enforcing.ts";
import type { PolicyStatus } from "../tetragon/policy.ts";
import type { PreparedPolicy } from "./policy-file.ts";

/** Where the applied policy's record and the object as sent sit in the bundle. */
export const POLICY_LAYOUT = { record: "audit/policy.json", applied: "audit/policy.yaml" } as const;

/** What happened to the object at the end: deleted by this run, already gone, gone and its name taken by another object (the uid precondition answered 409), the delete failed, or nothing was created. */
export type DeleteOutcome = "deleted" | "gone" | "replaced" | "failed" | "not-created";

/** audit/policy.json: the applied policy's lifecycle, written at each step (a run cut short keeps what happened so far). */
export interface PolicyRecord {
  source: string;
  /** sha256 of the file as given. */
  fileSha256: string;
  /** sha256 of audit/policy.yaml, the object as sent. */
  sha256: string;
  applied: typeof POLICY_LAYOUT.applied;
  kind: string;
  namespace: string;
  name: string;
  generatedName: boolean;
  /** The label that marks the object this run's. */
  runLabel: { key: string; value: string };
  uid?: string;
  appliedAt?: string;
  /** Why the create failed (nothing of this run is on the cluster, unless the answer was lost: see removal.manualDelete). */
  createError?: string;
  enforcing?: { provenAt: string; canaries: CanaryRead[]; status: PolicyStatus } | { error: string };
  removal?: {
    outcome: DeleteOutcome;
    removedAt?: string;
    /** Tetragon stopped listing it and an unauthorized read succeeded again (waitRemoved). */
    proven: boolean;
    unlistedAt?: string;
    provenAt?: string;
    canaries?: CanaryRead[];
    error?: string;
    /** The command that removes it by hand, when this run could not. */
    manualDelete?: string;
  };
  /** The run was interrupted by this signal; the policy was removed before exiting. */
  interrupted?: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The record before anything is sent. Pure. */
export function initialRecord(p: PreparedPolicy): PolicyRecord {
  const { name, namespace, labels } = p.doc.metadata;
  return {
    source: p.source,
    fileSha256: p.fileSha256,
    sha256: p.sha256,
    applied: POLICY_LAYOUT.applied,
    kind: p.doc.kind,
    namespace,
    name,
    generatedName: p.generatedName,
    runLabel: { key: RUN_ID_LABEL, value: labels?.[RUN_ID_LABEL] ?? "?" },
  };
}

export const enforcingOf = (proof: EnforcingProof): NonNullable<PolicyRecord["enforcing"]> => ({ provenAt: iso(proof.provenAtMs), canaries: proof.canaries, status: proof.status });

export const removalProofOf = (proof: RemovalProof) => ({ proven: true, unlistedAt: iso(proof.unlistedAtMs), provenAt: iso(proof.provenAtMs), canaries: proof.canaries });

/** What run.json's `audit.policy` carries and the report's Audit section shows. */
export interface PolicySummary {
  policy: string;
  sha256: string;
  appliedAt?: string;
  enforcingProvenAt?: string;
  enforcingError?: string;
  removedAt?: string;
  deleteOutcome?: DeleteOutcome;
  removalProven: boolean;
  manualDelete?: string;
  interrupted?: string;
}

/** The record in a few fields. Pure. */
export function policySummary(r: PolicyRecord): PolicySummary {
  const e = r.enforcing;
  const m = r.removal;
  return {
    policy: `${r.kind} ${r.namespace}/${r.name}`,
    sha256: r.sha256,
    ...(r.appliedAt ? { appliedAt: r.appliedAt } : {}),
    ...(e && "provenAt" in e ? { enforcingProvenAt: e.provenAt } : {}),
    ...(e && "error" in e ? { enforcingError: e.error } : r.createError ? { enforcingError: `not applied: ${r.createError}` } : {}),
    ...(m?.removedAt ? { removedAt: m.removedAt } : {}),
    ...(m ? { deleteOutcome: m.outcome } : {}),
    removalProven: m?.proven ?? false,
    ...(m?.manualDelete ? { manualDelete: m.manualDelete } : {}),
    ...(r.interrupted ? { interrupted: r.interrupted } : {}),
  };
}

/** Why the policy may still be on the cluster or still enforcing, or undefined when it is proven gone (or was never created). Pure. */
export function removalProblem(r: PolicyRecord): string | undefined {
  const m = r.removal;
  const what = `${r.kind} ${r.namespace}/${r.name}`;
  if (!m) return `${what}: its removal did not run`;
  if (m.outcome === "not-created") return m.manualDelete ? `${what}: the create got no answer, so it may exist: ${m.error ?? ""}; check and remove it by hand: ${m.manualDelete}` : undefined;
  if (m.outcome === "replaced") return undefined;
  if (m.outcome === "failed") return `${what} could NOT be removed: ${m.error ?? "?"}; remove it by hand: ${m.manualDelete ?? "?"}`;
  if (!m.proven) return `${what} was deleted but Tetragon was not proven to unload it (waits.policyEnforcing): ${m.error ?? "?"}`;
  return undefined;
}
