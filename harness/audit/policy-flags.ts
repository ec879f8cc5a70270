import { PermanentError } from "../core/errors.ts";

/** The refusal of --apply-policy without --attack: nothing else would prove the kill. */
export const NEEDS_ATTACK = "--apply-policy needs --attack: the policy is proven only by the attacks run while it enforces, and without them nothing shows it kills; give both, or leave --apply-policy out";

/** The flags as commander hands them: `--apply-policy FILE` is a path, a bare `--apply-policy` is true. */
export interface PolicyFlags {
  attack?: boolean;
  applyPolicy?: string | boolean;
}

/** The policy file's path when --apply-policy was given with --attack; undefined without --apply-policy; refused otherwise. Pure. */
export function policyFlag(opts: PolicyFlags): string | undefined {
  if (opts.applyPolicy === undefined || opts.applyPolicy === false) return undefined;
  if (!opts.attack) throw new PermanentError(NEEDS_ATTACK);
  if (opts.applyPolicy === true || opts.applyPolicy === "") throw new PermanentError("--apply-policy needs a FILE: the TracingPolicyNamespaced to apply for the attacks (see docs/audit.md)");
  return opts.applyPolicy;
}
