import { POD, T0 } from "./falco-samples.ts";

/**
 * Tetragon events in the exact upstream shape (protojson with proto names,
 * as pkg/encoder/encoder.go writes them): snake_case keys, zero scalars
 * omitted, pid/uid wrappers present, 64-bit integers as strings, enums by
 * name, RFC 3339 UTC timestamps. protojson inserts a random space after some
 * commas on purpose, so the samples do too.
 */
export const POLICY = "secretproof-block-secret-readers";

function iso(ms: number, extraNs = 102): string {
  const d = new Date(Math.floor(ms));
  return `${d.toISOString().slice(0, 19)}.${String((Math.floor(ms) % 1000) * 1e6 + extraNs).padStart(9, "0")}Z`;
}

export interface ProcSpec {
  execId: string;
  pid: number;
  binary: string;
  args?: string;
  startMs: number;
  containerPid?: number;
  pod?: string;
  ns?: string;
}

export function proc(p: ProcSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    exec_id: p.execId,
    pid: p.pid,
    uid: 10001,
    cwd: "/app",
    binary: p.binary,
    flags: "execve clone",
    start_time: iso(p.startMs),
    auid: 4294967295,
    pod: {
      namespace: p.ns ?? POD.namespace,
      name: p.pod ?? POD.name,
      container: {
        id: `containerd://${POD.containerId}`,
        name: "web",
        image: { id: "docker.io/secretproof/secure-test-app@sha256:5d1b", name: "docker.io/secretproof/secure-test-app:dev" },
        start_time: "2026-11-26T09:00:00Z",
        pid: p.containerPid ?? 37,
      },
      pod_labels: { app: "secure-test-app", "pod-template-hash": "7d9f8c6b5" },
      workload: "secure-test-app",
      workload_kind: "Deployment",
    },
    docker: POD.containerId.slice(0, 31),
    parent_exec_id: "c2VjcmV0cHJvb2YtY29udHJvbC1wbGFuZToxOjE=",
    tid: p.pid,
  };
  if (p.args) out.arguments = p.args;
  return out;
}

/** Adds protojson's deliberate extra space after some commas. */
export function unstable(json: string): string {
  let i = 0;
  return json.replace(/,"/g, (m) => (i++ % 3 === 0 ? ', "' : m));
}

const parent = { exec_id: "c2VjcmV0cHJvb2YtY29udHJvbC1wbGFuZToxOjE=", pid: 48100, uid: 10001, binary: "/usr/bin/runc" };

export function kprobeLine(ms: number, p: ProcSpec, over: { action?: string; policy?: string; path?: string; parent?: ProcSpec } = {}): string {
  return unstable(
    JSON.stringify({
      process_kprobe: {
        process: proc(p),
        parent: over.parent ? proc(over.parent) : parent,
        function_name: "security_file_open",
        args: [{ file_arg: { path: over.path ?? "/mnt/secrets/..2026_11_26_10_22_55.123456789/db-password", permission: "-rw-r--r--" } }],
        action: over.action ?? "KPROBE_ACTION_SIGKILL",
        policy_name: over.policy ?? POLICY,
      },
      node_name: "secretproof-control-plane",
      time: iso(ms),
    }),
  );
}

/** A process_exit: a SIGKILL gives "signal" and no "status" (0 is omitted); a clean exit neither. */
export function exitLine(ms: number, p: ProcSpec, signal?: string, status?: number): string {
  const body: Record<string, unknown> = { process: proc(p), parent };
  if (signal) body.signal = signal;
  if (status) body.status = status;
  body.time = iso(ms, 0);
  return unstable(JSON.stringify({ process_exit: body, node_name: "secretproof-control-plane", time: iso(ms, 555) }));
}

export function execLine(ms: number, p: ProcSpec): string {
  return unstable(JSON.stringify({ process_exec: { process: proc(p), parent }, node_name: "secretproof-control-plane", time: iso(ms) }));
}

/** The app pod as the enforcement suite records it. */
export const POD_STATE = { ...POD, restartCount: 0, labels: { app: "secure-test-app" } };

/** `cat /mnt/secrets/db-password` as Tetragon reports the process. */
export const CAT_PROC: ProcSpec = { execId: "Y2F0LTE=", pid: 48211, binary: "/usr/bin/cat", args: "/mnt/secrets/db-password", startMs: T0 + 80 };

/** The process_exec of the barrier marker `true <nonce>`. */
export function markerExec(ms: number, nonce: string): string {
  return execLine(ms, { execId: `bWFya2Vy${nonce}`, pid: 49000, binary: "/usr/bin/true", args: nonce, startMs: ms });
}
