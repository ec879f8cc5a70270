/** The hook T1 judges kills on (harness/claims/enforcement/judge.ts killOptions, kill.ts killsInWindow). */
export const JUDGED_HOOK = "security_file_open";

interface Sel {
  matchArgs?: { index?: number; operator?: string; values?: string[] }[];
  matchActions?: { action?: string }[];
}
interface Hook {
  call?: string;
  hook?: string;
  args?: { index?: number; type?: string }[];
  selectors?: Sel[];
}
type Spec = { kprobes?: Hook[]; fentries?: Hook[]; lsmhooks?: Hook[] };

// Tetragon reads an action name case-insensitively (cilium/tetragon v1.7.0 pkg/selectors/kernel.go:397-398).
const kills = (s: Sel) => s.matchActions?.some((a) => a.action?.toLowerCase() === "sigkill") ?? false;

/** The selector's matchArgs on argument `index` (Prefix/Equal) that reach a path under the mount: all of it, or some files. */
function argReach(s: Sel, index: number, dir: string): "mount" | "some" | undefined {
  let some = false;
  for (const a of (s.matchArgs ?? []).filter((m) => m.index === index)) {
    for (const v of a.values ?? []) {
      if (a.operator === "Prefix" && dir.startsWith(v)) return "mount";
      if ((a.operator === "Prefix" || a.operator === "Equal") && v.startsWith(dir)) some = true;
    }
  }
  return some ? "some" : undefined;
}

/** Whether a Sigkill selector reaches a path under the mount at all (any argument, or no matchArgs: everything). */
function reachesMount(s: Sel, dir: string): boolean {
  if (!s.matchArgs?.length) return true;
  return s.matchArgs.some((a) => (a.values ?? []).some((v) => (a.operator === "Prefix" && dir.startsWith(v)) || ((a.operator === "Prefix" || a.operator === "Equal") && v.startsWith(dir))));
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
      for (const s of (h.selectors ?? []).filter((x) => kills(x) && reachesMount(x, dir))) {
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
