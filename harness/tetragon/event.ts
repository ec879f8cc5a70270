import type { PodIdentity } from "../attack/attempt.ts";

/**
 * Tetragon's JSON events (`tetra getevents -o json` and the export file the
 * chart's export-stdout container prints): protojson with proto field names
 * (snake_case), zero scalars omitted, but the pid/uid wrapper values present
 * even when 0, 64-bit integers as strings, enums by name, timestamps RFC 3339
 * UTC. One GetEventsResponse per line: a oneof key (process_exec,
 * process_exit, process_kprobe, ...) plus node_name and time.
 */
export interface TetragonPod {
  namespace?: string;
  name?: string;
  container?: { id?: string; name?: string; image?: { id?: string; name?: string }; pid?: number };
}

export interface TetragonProcess {
  exec_id?: string;
  pid?: number;
  uid?: number;
  binary?: string;
  arguments?: string;
  start_time?: string;
  pod?: TetragonPod;
  parent_exec_id?: string;
}

export interface KprobeArg {
  file_arg?: { path?: string; mount?: string; permission?: string; flags?: string };
  path_arg?: { path?: string };
  string_arg?: string;
  int_arg?: number;
  size_arg?: string;
  label?: string;
}

interface Base {
  time: string;
  timeMs: number;
  node?: string;
  process: TetragonProcess;
  parent?: TetragonProcess;
}

export type TetragonEvent =
  | (Base & { kind: "exec" })
  | (Base & { kind: "exit"; signal?: string; status?: number })
  | (Base & { kind: "kprobe"; functionName: string; args: KprobeArg[]; action?: string; policyName?: string });

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** Epoch ms of a protobuf JSON timestamp (0, 3, 6 or 9 fractional digits, UTC). */
export function parseProtoTime(t: unknown): number | undefined {
  if (typeof t !== "string") return undefined;
  const m = RFC3339.exec(t);
  if (!m) return undefined;
  const base = Date.parse(`${m[1]}Z`);
  return Number.isNaN(base) ? undefined : base + (m[2] ? Number(m[2].padEnd(9, "0")) / 1e6 : 0);
}

function base(r: Record<string, unknown>, body: Record<string, unknown>): Base | string {
  const time = r.time;
  const timeMs = parseProtoTime(time);
  if (timeMs === undefined) return `time ${JSON.stringify(time)} is not an RFC 3339 UTC timestamp`;
  if (typeof body.process !== "object" || body.process === null) return "event has no process";
  return {
    time: time as string,
    timeMs,
    node: typeof r.node_name === "string" ? r.node_name : undefined,
    process: body.process as TetragonProcess,
    parent: (body.parent ?? undefined) as TetragonProcess | undefined,
  };
}

/** Turns one parsed GetEventsResponse into an event; other event types give "other". */
export function toEvent(o: unknown): TetragonEvent | "other" | string {
  if (typeof o !== "object" || o === null || Array.isArray(o)) return "not an object";
  const r = o as Record<string, Record<string, unknown>>;
  const body = r.process_exec ?? r.process_exit ?? r.process_kprobe;
  if (!body) return "other";
  const b = base(r as Record<string, unknown>, body);
  if (typeof b === "string") return b;
  if (r.process_exec) return { ...b, kind: "exec" };
  if (r.process_exit) {
    return { ...b, kind: "exit", signal: body.signal as string | undefined, status: body.status as number | undefined };
  }
  return {
    ...b,
    kind: "kprobe",
    functionName: String(body.function_name ?? ""),
    args: Array.isArray(body.args) ? (body.args as KprobeArg[]) : [],
    action: body.action as string | undefined,
    policyName: body.policy_name as string | undefined,
  };
}

export interface TetragonCounts {
  lines: number;
  events: number;
  /** Events outside the watched namespace, or of other types: counted, not kept. */
  skipped: number;
  nonJson: number;
  invalid: number;
}

/**
 * Classifies export lines. Only lines naming the watched namespace are parsed
 * (a JSON string value appears verbatim in the raw line).
 */
export class TetragonLineParser {
  readonly counts: TetragonCounts = { lines: 0, events: 0, skipped: 0, nonJson: 0, invalid: 0 };
  lastInvalid?: string;

  constructor(readonly namespace: string) {}

  parse(line: string): TetragonEvent | undefined {
    this.counts.lines++;
    if (!line.trimStart().startsWith("{")) {
      this.counts.nonJson++;
      return undefined;
    }
    if (!line.includes(`"${this.namespace}"`)) {
      this.counts.skipped++;
      return undefined;
    }
    let ev: TetragonEvent | string;
    try {
      ev = toEvent(JSON.parse(line));
    } catch {
      ev = "not JSON";
    }
    if (ev === "other" || (typeof ev !== "string" && ev.process.pod?.namespace !== this.namespace)) {
      this.counts.skipped++;
      return undefined;
    }
    if (typeof ev === "string") {
      this.counts.invalid++;
      this.lastInvalid = `${ev}: ${line.slice(0, 200)}`;
      return undefined;
    }
    this.counts.events++;
    return ev;
  }
}

/** Parses a recorded stream of events for one namespace. */
export function parseTetragonStream(text: string, namespace: string): { events: TetragonEvent[]; counts: TetragonCounts } {
  const p = new TetragonLineParser(namespace);
  const events: TetragonEvent[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const e = p.parse(line);
    if (e) events.push(e);
  }
  return { events, counts: p.counts };
}

/** True when the process ran in the pod's container (by container id, or by pod name and namespace). */
export function fromPodProcess(p: TetragonProcess, pod: PodIdentity): boolean {
  const cid = p.pod?.container?.id?.replace(/^[a-z]+:\/\//, "");
  if (cid && cid === pod.containerId) return true;
  return p.pod?.name === pod.name && p.pod?.namespace === pod.namespace;
}

/** Any process of the pod killed with SIGKILL in [fromMs, toMs] (e.g. the app itself, container pid 1). */
export function sigkilledExits(events: readonly TetragonEvent[], pod: PodIdentity, fromMs: number, toMs: number): Extract<TetragonEvent, { kind: "exit" }>[] {
  return events.filter(
    (e): e is Extract<TetragonEvent, { kind: "exit" }> =>
      e.kind === "exit" && e.signal === "SIGKILL" && e.timeMs >= fromMs && e.timeMs <= toMs && fromPodProcess(e.process, pod),
  );
}
