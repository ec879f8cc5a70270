import type { Kubectl } from "../kube/kubectl.ts";
import type { AuditMode } from "./access-plan.ts";
import type { PolicyKube } from "./policy-kube.ts";

/** kubectl flags that take the next argument as their value. */
const VALUE_FLAGS = new Set(["-n", "--namespace", "--context", "-l", "--selector", "-o", "--output", "-c", "--container", "-f", "--filename", "--field-selector"]);

/** The kubectl verb of an argument list: the first word that is neither a flag nor a flag's value. Pure. */
export function kubectlVerb(args: readonly string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("-")) return a;
    if (VALUE_FLAGS.has(a)) i++;
  }
  return undefined;
}

/** kubectl that only gets: any other verb is refused before anything is run, naming it. */
export function getOnly(kube: Pick<Kubectl, "json" | "context">): Pick<Kubectl, "json"> {
  return {
    json<T>(args: readonly string[]): Promise<T> {
      const verb = kubectlVerb(args);
      if (verb !== "get") return Promise.reject(new Error(`the audit's read handle refused \`kubectl --context ${kube.context} ${args.join(" ")}\`: only get is allowed, not ${verb ?? "(no verb)"}`));
      return kube.json<T>(args);
    },
  };
}

/** What an audit run holds, by consent: reads always; exec with --attack; the policy writer only with --attack --apply-policy. */
export interface AuditHandles {
  read: Pick<Kubectl, "json">;
  exec?: Pick<Kubectl, "exec">;
  policy?: PolicyKube;
}

/** How the handles are made; `policy` is the only write-capable one. */
export interface HandleFactories {
  kubectl(): Kubectl;
  policy(): PolicyKube;
}

/**
 * The handles for a mode. The policy writer is built only when the auditor
 * gave both --attack and --apply-policy (without attacks nothing would prove
 * the kill); the read-only and --attack-only runs never build one, so no code
 * they run can reach a create or delete of a policy.
 */
export function auditHandles(mode: AuditMode, make: HandleFactories): AuditHandles {
  const kube = make.kubectl();
  const exec = mode.attack ? { exec: kube.exec.bind(kube) } : undefined;
  return {
    read: getOnly(kube),
    ...(exec ? { exec } : {}),
    ...(mode.attack && mode.applyPolicy ? { policy: make.policy() } : {}),
  };
}
