import type { AttemptRecord, PodIdentity } from "../../harness/attack/attempt.ts";

/**
 * Alerts in Falco's exact JSON form (falco userspace/engine/formats.cpp):
 * nlohmann::json dump, keys in alphabetical order, no whitespace, time in UTC
 * with nine fractional digits, evt.time an integer in nanoseconds, fields that
 * could not be extracted as null, suggested fields container.id/container.name
 * appended to output and output_fields.
 */
export const POD: PodIdentity = {
  namespace: "test-dynamic",
  name: "secure-test-app-7d9f8c6b5-x2x9q",
  uid: "3e41dc6b-08a8-44db-bc2a-3724b18ab19a",
  container: "web",
  containerId: "9c45982d256e8f3e0b1c7a1b2f0d4e5a6b7c8d9e0f1a2b3c4d5e6f708192a3b4",
  image: "secretproof/secure-test-app:dev",
};

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** "2026-11-26T10:23:11.855188321Z" for an epoch-ms time plus extra nanoseconds. */
export function falcoTime(ms: number, extraNs = 0): string {
  const d = new Date(Math.floor(ms));
  const ns = (Math.floor(ms) % 1000) * 1e6 + extraNs;
  return `${d.toISOString().slice(0, 19)}.${String(ns).padStart(9, "0")}Z`;
}

export interface AlertSpec {
  rule: string;
  priority?: string;
  ms: number;
  cmdline: string;
  proc?: string;
  pname?: string | null;
  file?: string | null;
  pod?: string | null;
  ns?: string | null;
  containerId?: string;
  vpid?: number;
  tag?: string;
}

export function alertLine(s: AlertSpec): string {
  const time = falcoTime(s.ms, 321);
  const proc = s.proc ?? s.cmdline.split(" ")[0];
  const cid = s.containerId ?? POD.containerId.slice(0, 12);
  const fields: Record<string, unknown> = {
    "container.id": cid,
    "container.image.repository": "docker.io/secretproof/secure-test-app",
    "container.image.tag": "dev",
    "container.name": "web",
    "evt.time": Math.floor(s.ms) * 1e6 + 321,
    "k8s.ns.name": s.ns === undefined ? POD.namespace : s.ns,
    "k8s.pod.name": s.pod === undefined ? POD.name : s.pod,
    "proc.cmdline": s.cmdline,
    "proc.name": proc,
    "proc.pid": 48211,
    "proc.pname": s.pname === undefined ? null : s.pname,
    "proc.vpid": s.vpid ?? 37,
    "user.name": "appuser",
    "user.uid": 10001,
  };
  if (s.file !== null) fields["fd.name"] = s.file ?? "/mnt/secrets/db-password";
  const hms = time.slice(11, 29);
  const priority = s.priority ?? "Critical";
  const output = `${hms}: ${priority} SECRETPROOF [${s.tag ?? "READ"}] (user=appuser proc=${proc} cmdline=${s.cmdline} pod=${String(fields["k8s.pod.name"] ?? "<NA>")}) container_id=${cid} container_name=web`;
  return JSON.stringify(
    sortKeys({
      hostname: "secretproof-control-plane",
      output,
      output_fields: fields,
      priority,
      rule: s.rule,
      source: "syscall",
      tags: ["T1552.001", "filesystem", "mitre_credential_access", "secretproof"],
      time,
    }),
  );
}

export const T0 = Date.parse("2026-11-26T10:23:10.000Z");

export function attempt(over: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: "detection/cat",
    attack: "cat",
    phase: "detection",
    pod: POD,
    command: ["cat", "/mnt/secrets/db-password"],
    tty: false,
    startedAt: new Date(T0).toISOString(),
    endedAt: new Date(T0 + 400).toISOString(),
    startMs: T0,
    endMs: T0 + 400,
    exitCode: 0,
    stdoutBytes: 20,
    stdout: "<redacted sha256:0123456789abcdef len:20>",
    stderr: "",
    credentialRegistered: true,
    barrier: "secretproof-marker-aaaa",
    ...over,
  };
}

/** A marker alert, as the liveness rule raises it for `true secretproof-marker-<nonce>`. */
export function markerLine(ms: number, nonce: string): string {
  return alertLine({ rule: "SecretProof - Stream Liveness Marker", priority: "Notice", ms, cmdline: `true ${nonce}`, file: null, tag: "MARKER" });
}

/**
 * Falco's internal alert for dropped syscall events, as its JSON output
 * carries it: the rule and message of falco 0.44.1
 * userspace/falco/event_drops.cpp:136-138, every output field a string
 * (:150-199, abridged here), priority Debug and source "internal"
 * (userspace/falco/falco_outputs.cpp:37, :200-208).
 */
export function dropLine(ms: number, drops = 12): string {
  return JSON.stringify({
    hostname: "secretproof-control-plane",
    output: `Falco internal: syscall event drop. ${drops} system calls dropped in last second.`,
    output_fields: { ebpf_enabled: "1", n_drops: String(drops), n_drops_buffer_total: String(drops), n_evts: "48211" },
    priority: "Debug",
    rule: "Falco internal: syscall event drop",
    source: "internal",
    time: falcoTime(ms),
  });
}
