/**
 * Whose exit code `kubectl exec` returned: the remote command's, or kubectl's own.
 *
 * kubectl exits with the remote command's code and prints exactly one line for
 * it, last, on stderr: the exec stream's error channel carries a Status with
 * reason NonZeroExitCode whose ExitCode cause client-go turns into
 * `exec.CodeExitError{Err: "command terminated with exit code N", Code: N}`
 * (kubernetes/client-go v0.35.7 tools/remotecommand/v4.go:111-113), and
 * kubectl's CheckErr prints an ExitError's message and exits with its status
 * (kubernetes/kubectl v0.35.7 pkg/cmd/util/helpers.go:208-209 via fatal(),
 * :95-109). Every other failure of kubectl itself (no pod, no container,
 * "error: unable to upgrade connection", RBAC) exits DefaultErrorExitCode 1
 * (helpers.go:54) with no such line. A command killed by SIGKILL in the
 * container exits 137: containerd's reaper reports a signalled process as
 * 128 + signal (containerd pkg/sys/reaper/reaper_unix.go exitStatus), which
 * reaches kubectl as that ExitCode cause.
 *
 * kubectl itself killed by a signal on this machine (the harness's exec maps
 * that to 128 + signal, 137 for SIGKILL) prints no such line either, so it
 * is never taken for a remote kill.
 */
export type ExecOrigin = "remote" | "kubectl";

export interface ExecExit {
  origin: ExecOrigin;
  exitCode: number;
  /** stderr without kubectl's own trailing `command terminated with exit code N` line. */
  stderr: string;
}

// The remote command's stderr need not end with a newline, so the line may follow its last byte.
const TRAILER = /command terminated with exit code (\d+)\n?$/;

/** Classifies a finished `kubectl exec` by its exit code and stderr. */
export function execExit(exitCode: number, stderr: string): ExecExit {
  if (exitCode === 0) return { origin: "remote", exitCode, stderr };
  const m = TRAILER.exec(stderr);
  if (m && Number(m[1]) === exitCode) {
    return { origin: "remote", exitCode, stderr: stderr.slice(0, m.index) };
  }
  return { origin: "kubectl", exitCode, stderr };
}

/** The message for an exit that came from kubectl itself, not from the command it ran. */
export function kubectlFailure(command: string, exitCode: number, stderr: string): string {
  const said = stderr.trim() || "(no stderr)";
  return `${command} failed in kubectl itself (exit ${exitCode}, no "command terminated with exit code ${exitCode}" line from the container): ${said}`;
}
