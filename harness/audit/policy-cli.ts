import { readFile } from "node:fs/promises";
import type { KubeConfig } from "@kubernetes/client-node";
import { toMs } from "../../clusters/duration.ts";
import { PermanentError } from "../core/errors.ts";
import { redactor } from "../evidence/redact.ts";
import { kubectl } from "../kube/kubectl.ts";
import type { Profile } from "../profile.ts";
import { reviewAccess } from "./access-check.ts";
import { APPLY_POLICY_MODE, type ApplyPolicyRun, runWithAppliedPolicy } from "./apply-policy-run.ts";
import { auditHandles } from "./audit-kube.ts";
import { type PolicyFile, readPolicyFile } from "./policy-file.ts";
import { openPolicyKube } from "./policy-kube.ts";
import type { ApplyPolicy, PolicyBinding } from "./policy-step.ts";
import type { AuditTarget } from "./target.ts";

/** Reads the policy file before anything touches the cluster. */
export async function loadPolicyFile(path: string): Promise<PolicyFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new PermanentError(`--apply-policy: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
  }
  return readPolicyFile(text, path);
}

/** The audit run's target, profile and kubeconfig: what the apply path needs besides the bundle. */
export interface PolicyRunContext {
  target: AuditTarget;
  profile: Profile;
  kc: KubeConfig;
}

/**
 * The --apply-policy lifecycle bound to the cluster: the only place the
 * policy writer (openPolicyKube) is built. The audit run binds it to its
 * bundle, then passes its attacks as the callback; they run only once the
 * policy is proven to enforce, and the policy is removed whatever they do.
 */
export function applyPolicyWith(file: PolicyFile, c: PolicyRunContext): (b: PolicyBinding) => ApplyPolicy {
  return (b) => {
    const handles = auditHandles(APPLY_POLICY_MODE, {
      kubectl: () => kubectl(c.target.kubeContext, toMs(c.profile.waits.command)),
      policy: () => openPolicyKube(c.kc, c.target.workload.namespace),
    });
    const { read, exec, policy } = handles;
    if (!exec || !policy) throw new Error("the --attack --apply-policy handles were not built");
    const run: ApplyPolicyRun = {
      target: c.target,
      profile: c.profile,
      runId: b.runId,
      file,
      handles: { read, exec, policy },
      reviewAccess: (plan) => reviewAccess(c.kc, plan),
      write: b.write,
      warn: (text) => void process.stderr.write(`${redactor.redact(text)}\n`),
      onRecord: b.onRecord,
    };
    return (attacks) => runWithAppliedPolicy(run, attacks);
  };
}
