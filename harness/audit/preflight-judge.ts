import type { ClaimId } from "../claims/verdict.ts";
import type { ClaimAccess, OutsideAccess } from "./access-plan.ts";
import { describePermission, permissionKey, type Permission } from "./permissions.ts";

/**
 * A SelfSubjectAccessReview's status as the API server returns it
 * (authorization.k8s.io/v1 SubjectAccessReviewStatus: `allowed` is required;
 * `denied`, `reason` and `evaluationError` are optional: @kubernetes/client-node
 * 1.3.0 dist/gen/models/V1SubjectAccessReviewStatus.d.ts). The RBAC authorizer
 * gives "RBAC: allowed by …" when a rule matches and no opinion (allowed
 * false, no `denied`, a reason only when resolving a binding failed) when none
 * does: kubernetes/kubernetes@01aa0f3f6052 plugin/pkg/auth/authorizer/rbac/rbac.go:63-73
 * (visit) and :121-125 (Authorize's no-opinion return).
 */
export interface AccessStatus {
  allowed: boolean;
  denied?: boolean;
  reason?: string;
  evaluationError?: string;
}

/** The answer to one permission: the review's status, or why it could not be asked. */
export interface AccessAnswer {
  permission: Permission;
  status?: AccessStatus;
  error?: string;
}

/** Whether an access outside the Kubernetes API is there (a token read, a connection string found, a file readable). */
export interface OutsideAnswer {
  access: OutsideAccess;
  ok: boolean;
  detail: string;
}

export interface ClaimReadiness {
  claim: ClaimId;
  status: "runnable" | "inconclusive";
  /** Why it cannot run: each names the missing permission or access. */
  reasons: string[];
  /** What it runs without (from the plan). */
  limits: string[];
}

function accessProblem(p: Permission, why: string, answer: AccessAnswer | undefined): string | undefined {
  const what = `missing ${describePermission(p)} (to ${why})`;
  if (!answer) return `${what}: it was not checked`;
  if (answer.error !== undefined) return `${what}: the access review failed: ${answer.error}`;
  const s = answer.status;
  if (!s) return `${what}: the access review returned no status`;
  if (s.allowed) return undefined;
  const how = s.denied ? "denied" : "not allowed (no rule grants it)";
  const detail = [s.reason, s.evaluationError && `evaluation error: ${s.evaluationError}`].filter(Boolean).join("; ");
  return `${what}: ${how}${detail ? ` — ${detail}` : ""}`;
}

/** One claim: runnable when the target does not block it and every permission and outside access it needs is there. */
function readiness(c: ClaimAccess, answers: ReadonlyMap<string, AccessAnswer>, outside: readonly OutsideAnswer[]): ClaimReadiness {
  // A claim the mode or the target blocks is not checked further: the role grants it nothing (harness/audit/rbac.ts).
  if (c.blocked.length) return { claim: c.claim, status: "inconclusive", reasons: [...c.blocked], limits: c.limits };
  const reasons: string[] = [];
  const limits = [...c.limits];
  // An optional need that is missing only limits what the claim can show (e.g. A2 without the DB's usernames).
  const note = (optional: boolean | undefined, why: string) => (optional ? limits : reasons).push(why);
  for (const { permission, why, optional } of c.permissions) {
    const problem = accessProblem(permission, why, answers.get(permissionKey(permission)));
    if (problem) note(optional, problem);
  }
  for (const { access, why, optional } of c.outside) {
    const a = outside.find((o) => o.access === access);
    if (!a) note(optional, `${access} (to ${why}) was not checked`);
    else if (!a.ok) note(optional, `${access} (to ${why}): ${a.detail}`);
  }
  return { claim: c.claim, status: reasons.length ? "inconclusive" : "runnable", reasons, limits };
}

/** Judges the preflight: per claim of the plan, runnable or inconclusive with its reasons. Pure. */
export function judgePreflight(plan: readonly ClaimAccess[], answers: readonly AccessAnswer[], outside: readonly OutsideAnswer[]): ClaimReadiness[] {
  const byKey = new Map(answers.map((a) => [permissionKey(a.permission), a]));
  return plan.map((c) => readiness(c, byKey, outside));
}

/** "A1: etcd not reachable: …", one line per reason; runnable claims as "A2: runnable", with their limits. */
export function formatReadiness(list: readonly ClaimReadiness[]): string {
  return list
    .flatMap((r) => [
      ...(r.status === "runnable" ? [`${r.claim}: runnable`] : r.reasons.map((why) => `${r.claim}: inconclusive: ${why}`)),
      ...r.limits.map((l) => `${r.claim}: limit: ${l}`),
    ])
    .join("\n");
}

/** Every distinct permission of the claims the plan can run, for the collector to review. */
export function permissionsToCheck(plan: readonly ClaimAccess[]): Permission[] {
  const seen = new Map<string, Permission>();
  for (const c of plan.filter((x) => x.blocked.length === 0)) for (const { permission } of c.permissions) seen.set(permissionKey(permission), permission);
  return [...seen.values()];
}

/** Whether every one of `permissions` was reviewed and allowed. Pure. */
export function allAllowed(answers: readonly AccessAnswer[], permissions: readonly Permission[]): boolean {
  const byKey = new Map(answers.map((a) => [permissionKey(a.permission), a]));
  return permissions.every((p) => byKey.get(permissionKey(p))?.status?.allowed === true);
}

interface ReviewJson {
  spec?: { resourceAttributes?: { group?: string; resource?: string; subresource?: string; verb?: string; namespace?: string } };
  status?: { allowed?: unknown; denied?: unknown; reason?: unknown; evaluationError?: unknown };
}

/** A SelfSubjectAccessReview response as an answer for `permission`; a response without `status.allowed` is an error, not a denial. Pure. */
export function answerOf(permission: Permission, review: unknown): AccessAnswer {
  const s = (review as ReviewJson | null)?.status;
  if (!s || typeof s.allowed !== "boolean") return { permission, error: "the SelfSubjectAccessReview response has no status.allowed" };
  const str = (v: unknown) => (typeof v === "string" && v ? v : undefined);
  const reason = str(s.reason);
  const evaluationError = str(s.evaluationError);
  return { permission, status: { allowed: s.allowed, ...(s.denied === true ? { denied: true } : {}), ...(reason ? { reason } : {}), ...(evaluationError ? { evaluationError } : {}) } };
}

/** The permission a recorded review asked about (its spec.resourceAttributes). Pure. */
export function permissionOfReview(review: unknown): Permission {
  const a = (review as ReviewJson | null)?.spec?.resourceAttributes;
  if (!a?.resource || !a.verb) throw new Error("the SelfSubjectAccessReview has no spec.resourceAttributes resource and verb");
  return { group: a.group ?? "", resource: a.resource, verb: a.verb, ...(a.subresource ? { subresource: a.subresource } : {}), ...(a.namespace ? { namespace: a.namespace } : {}) };
}
