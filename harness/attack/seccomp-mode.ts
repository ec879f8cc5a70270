import type { ExecResult } from "../core/exec.ts";
import { execExit, kubectlFailure } from "../kube/exec-exit.ts";

/**
 * The seccomp mode of a process exec'd into the app container, from the
 * `Seccomp:` line of its /proc/self/status (Linux fs/proc/array.c
 * task_seccomp: 0 disabled, 1 strict, 2 filter). An exec'd process runs under
 * the container's profile (runc applies it to every exec), so this is what
 * the catalogue's commands run under. The app pod asks for RuntimeDefault,
 * which refuses io_uring; mode 0 means no filter at all, and the io-uring
 * entry's `seccomp-off` outcomes apply.
 */
export function seccompModeOf(r: Pick<ExecResult, "command" | "exitCode" | "stdout" | "stderr">): "0" | "1" | "2" {
  const x = execExit(r.exitCode, r.stderr);
  if (x.origin === "kubectl") throw new Error(kubectlFailure(r.command, r.exitCode, r.stderr));
  const mode = /^Seccomp:\s*(\d)\s*$/m.exec(r.stdout)?.[1];
  if (r.exitCode !== 0 || (mode !== "0" && mode !== "1" && mode !== "2")) {
    throw new Error(`${r.command} exited ${r.exitCode} in the app container without a Seccomp: 0|1|2 line in /proc/self/status: ${x.stderr.trim() || r.stdout.slice(0, 200) || "(no output)"}`);
  }
  return mode;
}
