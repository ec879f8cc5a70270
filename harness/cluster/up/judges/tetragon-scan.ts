/**
 * Why the app must start after the Tetragon agent has loaded its exec
 * sensor. The agent learns processes that already run from a /proc scan
 * (cilium/tetragon v1.7.0 cmd/tetragon/main.go:441 loads the exec sensor,
 * :498 scans /proc). The scan sets a process's namespace PID to 0 when it
 * finds no container id in its cgroup (pkg/sensors/exec/procevents/
 * proc_reader_linux.go:286-293), and without followForks the policy's
 * `matchPIDs NotIn [1] isNamespacePID` compares that 0 with 1
 * (bpf/process/pfilter.h, process_filter_pid and __process_filter_pid): the
 * app itself would match and be killed on its own reads. The listing logs
 * "Read ProcFS <path> appended <n>/<m> entries" when done
 * (proc_reader_linux.go:397), before its entries reach the execve map
 * (pkg/sensors/exec/procevents/proc_reader.go:248-249): a process that
 * starts after that line is seen by the exec sensor, not the scan.
 *
 * The line is logged at info, which the agent logs by default (--log-level
 * "info", --log-format "text": pkg/option/flags.go:405-406, pkg/logger/log.go:29-30),
 * and chart 1.7.0 sets neither (values.yaml has only `tetragon.debug: false`,
 * :64-65; the config map carries no log key). The pattern matches inside
 * slog's text line (`level=info msg="Read ProcFS …"`) and its JSON line
 * (`{"level":"info","msg":"Read ProcFS …"}`), with or without the -ts time
 * field (pkg/logger/slog.go:62-95), should `tetragon.extraArgs` change the format.
 */
export const PROC_SCAN_DONE = /Read ProcFS \S+ appended \d+\/\d+ entries/;

/** Milliseconds of an RFC 3339 time (kubectl's nanosecond stamps included), or NaN. */
function timeMs(rfc3339: string): number {
  return Date.parse(rfc3339.replace(/(\.\d{3})\d+/, "$1"));
}

/** The time `kubectl logs --timestamps` put on the last /proc-scan line of the agent's current container. */
export function procScanDoneAt(logs: string): string | undefined {
  let at: string | undefined;
  for (const line of logs.split("\n")) {
    if (!PROC_SCAN_DONE.test(line)) continue;
    const stamp = line.slice(0, line.indexOf(" "));
    if (!Number.isNaN(timeMs(stamp))) at = stamp;
  }
  return at;
}

export interface AppStart {
  pod: string;
  /** The app container's state.running.startedAt (whole seconds), absent when it does not run. */
  startedAt?: string;
}

export interface AppRestartDecision {
  restart: boolean;
  reason: string;
}

/**
 * Whether the app must be restarted so that Tetragon sees it start: keep it
 * only when every app container started after the agent's /proc scan ended.
 * Container start times have whole seconds, so a start in the same second as
 * the scan counts as before it.
 */
export function decideAppRestart(scanDoneAt: string, apps: readonly AppStart[]): AppRestartDecision {
  const scan = timeMs(scanDoneAt);
  if (apps.length === 0) return { restart: false, reason: "no app pod runs yet" };
  const early = apps.filter((a) => !a.startedAt || !(timeMs(a.startedAt) > scan));
  if (early.length === 0) return { restart: false, reason: `the app started after Tetragon's /proc scan (${scanDoneAt})` };
  const which = early.map((a) => `${a.pod} (started ${a.startedAt ?? "not running"})`).join(", ");
  return {
    restart: true,
    reason: `Tetragon's agent scanned /proc at ${scanDoneAt}, after ${which} started: it knows the app only from /proc, where its namespace PID may read 0 and the policy's NotIn [1] would kill it`,
  };
}
