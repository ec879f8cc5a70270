import { run, type ExecOptions, type ExecResult } from "../core/exec.ts";

/**
 * The one place this module calls kubectl: always with an explicit context,
 * so a run never touches a cluster it did not create.
 */
export function kubectl(context: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  return run("kubectl", ["--context", context, ...args], opts);
}

/** `kubectl get ... -o json`, parsed. */
export async function kubectlJson(context: string, args: readonly string[], timeoutMs: number): Promise<unknown> {
  const r = await kubectl(context, [...args, "-o", "json"], { timeoutMs });
  try {
    return JSON.parse(r.stdout);
  } catch (err) {
    throw new Error(`${r.command} did not print JSON: ${JSON.stringify(r.stdout.slice(0, 200))}`, { cause: err });
  }
}

/** Applies one object given as JSON on stdin (its data never appears on a command line). */
export async function kubectlApply(context: string, object: object, timeoutMs: number): Promise<void> {
  await kubectl(context, ["apply", "-f", "-"], { timeoutMs, input: JSON.stringify(object) });
}

/** Deletes an object if it exists; does not wait for finalizers. */
export async function kubectlDelete(
  context: string,
  ref: { kind: string; name: string; namespace?: string },
  timeoutMs: number,
): Promise<void> {
  const ns = ref.namespace ? ["-n", ref.namespace] : [];
  await kubectl(context, ["delete", ...ns, ref.kind, ref.name, "--ignore-not-found", "--wait=false"], { timeoutMs });
}
