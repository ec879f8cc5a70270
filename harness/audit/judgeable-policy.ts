import { covered, type Selector, sigkills } from "./tracing-policy.ts";

/** The hook T1 judges kills on (harness/claims/enforcement/judge.ts killOptions, kill.ts killsInWindow). */
export const JUDGED_HOOK = "security_file_open";

type Sel = Selector;
interface Hook {
  call?: string;
  hook?: string;
  args?: { index?: number; type?: string }[];
  selectors?: Sel[];
}
type Spec = { kprobes?: Hook[]; fentries?: Hook[]; lsmhooks?: Hook[] };

/** Whether the selector's matchArgs on argument `index` alone reach a path under the mount (covered, on those entries only). */
function argReach(s: Sel, index: number, mountPath: string): boolean {
  const onIndex = (s.matchArgs ?? []).filter((m) => m.index === index);
  return onIndex.length > 0 && covered({ matchArgs: onIndex }, mountPath) !== undefined;
}

/** How one Sigkill selector kills, in words, when it is not the judgeable shape; undefined when it is. */
function unjudgeable(kind: "kprobe" | "fentry" | "lsmhook", h: Hook, s: Sel, dir: string): string | undefined {
  const name = h.call ?? h.hook ?? "?";
  if (kind !== "kprobe") return `a Sigkill on the ${kind} ${name}`;
  if (name !== JUDGED_HOOK) return `a Sigkill on the kprobe ${name}`;
  if (!h.args?.some((a) => a.index === 0 && a.type === "file")) return `a Sigkill on the kprobe ${name} without a \`file\` argument at index 0`;
  if (!s.matchArgs?.length) return `a Sigkill on the kprobe ${name} without matchArgs (it kills every open, not readers of the mount)`;
  if (!argReach(s, 0, dir)) return `a Sigkill on the kprobe ${name} whose matchArgs do not match argument 0 (the file) with a Prefix or Equal under the mount`;
  return undefined;
}

/**
 * Why the audit could apply the policy but not judge T1 on its kills, or
 * undefined when every Sigkill reaching a path under the mount is a kprobe on
 * security_file_open with a `file` argument at index 0 matched by matchArgs on
 * index 0 (Prefix or Equal): T1 counts only those events (kill.ts). Pure.
 */
export function unjudgeableKillProblem(spec: Spec | undefined, mountPath: string): string | undefined {
  const dir = mountPath.endsWith("/") ? mountPath : `${mountPath}/`;
  const groups = [["kprobe", spec?.kprobes], ["fentry", spec?.fentries], ["lsmhook", spec?.lsmhooks]] as const;
  const found: string[] = [];
  for (const [kind, hooks] of groups) {
    for (const h of hooks ?? []) {
      for (const s of (h.selectors ?? []).filter((x) => sigkills(x) && covered(x, mountPath) !== undefined)) {
        const why = unjudgeable(kind, h, s, dir);
        if (why && !found.includes(why)) found.push(why);
      }
    }
  }
  if (!found.length) return undefined;
  return (
    `kills with ${found.join("; ")}, which the audit could enforce but not judge: T1 is judged from ${JUDGED_HOOK} kprobe events whose first argument is the file ` +
    `(a \`file\` arg at index 0, matched by matchArgs index 0 with Prefix or Equal), the shape of fixtures/tetragon/block-secret-readers.yaml`
  );
}
