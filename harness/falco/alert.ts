/**
 * Falco's JSON alert format (falco userspace/engine/formats.cpp): one object
 * per line, keys hostname, output, output_fields, priority, rule, source, tags,
 * time ("YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ", UTC, always 9 digits). Internal
 * alerts ("Falco internal: ...", source "internal") carry no tags.
 */
export type FieldValue = string | number | boolean | null;

export interface FalcoAlert {
  time: string;
  /** `time` as epoch milliseconds with the sub-millisecond part kept as a fraction. */
  timeMs: number;
  rule: string;
  priority: string;
  source: string;
  hostname?: string;
  output?: string;
  fields: Record<string, FieldValue>;
  tags?: string[];
}

export type LineKind = "alert" | "foreign" | "internal" | "non-json" | "invalid";

const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/;

/** Epoch milliseconds of a Falco/RFC 3339 UTC time with up to 9 fractional digits. */
export function parseFalcoTime(t: string): number | undefined {
  const m = TIME.exec(t);
  if (!m) return undefined;
  const base = Date.parse(`${m[1]}Z`);
  if (Number.isNaN(base)) return undefined;
  const frac = m[2] ?? "";
  return base + (frac ? Number(frac.padEnd(9, "0")) / 1e6 : 0);
}

const FRACTION = /^\.(\d{1,9})Z$/;

/**
 * parseFalcoTime with a one-entry cache of the whole-second part: alerts
 * arrive in time order, so most lines share their second with the previous
 * one and skip the date arithmetic. Same results as parseFalcoTime.
 */
export class FalcoTimeParser {
  #second = "";
  #secondMs = 0;

  parse(t: string): number | undefined {
    const second = t.slice(0, 19);
    if (second !== this.#second) {
      const whole = parseFalcoTime(`${second}Z`);
      if (whole === undefined) return undefined;
      this.#second = second;
      this.#secondMs = whole;
    }
    const rest = t.slice(19);
    if (rest === "Z") return this.#secondMs;
    const m = FRACTION.exec(rest);
    return m ? this.#secondMs + Number((m[1] as string).padEnd(9, "0")) / 1e6 : undefined;
  }
}

/** Turns a parsed JSON object into an alert, or says why it is not one. */
export function toAlert(o: unknown, parseTime: (t: string) => number | undefined = parseFalcoTime): FalcoAlert | string {
  if (typeof o !== "object" || o === null || Array.isArray(o)) return "not an object";
  const r = o as Record<string, unknown>;
  if (typeof r.rule !== "string") return "no rule";
  if (typeof r.priority !== "string") return "no priority";
  if (typeof r.time !== "string") return "no time";
  const timeMs = parseTime(r.time);
  if (timeMs === undefined) return `time ${JSON.stringify(r.time)} is not Falco's UTC format`;
  const of = r.output_fields;
  if (of !== undefined && (typeof of !== "object" || of === null || Array.isArray(of))) return "output_fields is not an object";
  return {
    time: r.time,
    timeMs,
    rule: r.rule,
    priority: r.priority,
    source: typeof r.source === "string" ? r.source : "",
    hostname: typeof r.hostname === "string" ? r.hostname : undefined,
    output: typeof r.output === "string" ? r.output : undefined,
    fields: (of ?? {}) as Record<string, FieldValue>,
    tags: Array.isArray(r.tags) ? (r.tags as string[]) : undefined,
  };
}

export interface LineCounts {
  lines: number;
  alerts: number;
  /** JSON alerts of rules that are not ours: counted, not parsed. */
  foreign: number;
  /** "Falco internal: ..." alerts (event drops, timeouts). */
  internal: number;
  nonJson: number;
  invalid: number;
}

export function emptyCounts(): LineCounts {
  return { lines: 0, alerts: 0, foreign: 0, internal: 0, nonJson: 0, invalid: 0 };
}

/**
 * Classifies stream lines. Only lines that can hold one of our alerts (the
 * rule prefix appears in the raw line: JSON never escapes ASCII letters) or a
 * Falco internal alert are parsed; other JSON lines are counted as foreign.
 * Log lines interleaved in the stream are counted and skipped.
 */
export class FalcoLineParser {
  readonly counts: LineCounts = emptyCounts();
  lastInvalid?: string;
  readonly #time = new FalcoTimeParser();
  readonly #parseTime = (t: string) => this.#time.parse(t);

  constructor(readonly rulePrefix = "SecretProof") {}

  parse(line: string): { kind: LineKind; alert?: FalcoAlert } {
    this.counts.lines++;
    const start = line.charCodeAt(0) === 0x7b ? 0 : line.indexOf("{");
    if (start < 0 || line.slice(0, start).trim() !== "") return this.#count("nonJson", "non-json");
    const ours = line.includes(this.rulePrefix);
    if (!ours && !line.includes("Falco internal")) return this.#count("foreign", "foreign");
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      this.lastInvalid = line.slice(0, 200);
      return this.#count("invalid", "invalid");
    }
    const a = toAlert(obj, this.#parseTime);
    if (typeof a === "string") {
      this.lastInvalid = `${a}: ${line.slice(0, 200)}`;
      return this.#count("invalid", "invalid");
    }
    if (a.rule.startsWith(this.rulePrefix)) {
      this.counts.alerts++;
      return { kind: "alert", alert: a };
    }
    if (a.source === "internal" || a.rule.startsWith("Falco internal")) {
      this.counts.internal++;
      return { kind: "internal", alert: a };
    }
    return this.#count("foreign", "foreign");
  }

  #count(key: "foreign" | "nonJson" | "invalid", kind: LineKind): { kind: LineKind } {
    this.counts[key]++;
    return { kind };
  }
}

/** Parses a whole recorded stream (e.g. an evidence file) into our alerts and internal alerts. */
export function parseFalcoStream(text: string, rulePrefix?: string): { alerts: FalcoAlert[]; internal: FalcoAlert[]; counts: LineCounts } {
  const p = new FalcoLineParser(rulePrefix);
  const alerts: FalcoAlert[] = [];
  const internal: FalcoAlert[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const r = p.parse(line);
    if (r.kind === "alert" && r.alert) alerts.push(r.alert);
    else if (r.kind === "internal" && r.alert) internal.push(r.alert);
  }
  return { alerts, internal, counts: p.counts };
}

/** The rule our marker execs raise (fixtures/falco/secretproof-rules.yaml): a barrier in the alert stream. */
export const MARKER_RULE = "SecretProof - Stream Liveness Marker";

/** The pod an alert is attributed to (harness/attack/attempt.ts PodIdentity has these). */
export interface AlertPod {
  containerId: string;
  name: string;
  namespace: string;
}

/** True when the alert came from the pod's container (by container id, or by pod name and namespace). */
export function fromPod(a: FalcoAlert, pod: AlertPod): boolean {
  const f = a.fields;
  if (f["container.id"] === pod.containerId.slice(0, 12)) return true;
  return f["k8s.pod.name"] === pod.name && f["k8s.ns.name"] === pod.namespace;
}

/** True for the marker alert of the exec that carried `nonce` on its command line. */
export function isMarker(a: FalcoAlert, nonce: string): boolean {
  return a.rule === MARKER_RULE && String(a.fields["proc.cmdline"] ?? "").includes(nonce);
}

/** Falco's internal "syscall event drop" alerts among its internal alerts: while any occurred, a missing alert is unproven. */
export function eventDrops(internal: readonly FalcoAlert[]): number {
  return internal.filter((a) => /event drop/i.test(a.rule)).length;
}

/**
 * What resets Falco's event clock offset. Falco's modern eBPF engine stamps
 * events on the boot clock plus a base it reads once when it opens,
 * CLOCK_REALTIME minus CLOCK_BOOTTIME (falcosecurity/libs 0.25.4
 * userspace/libscap/engine/modern_bpf/scap_modern_bpf.c:271-276,
 * userspace/libscap/scap_engine_util.c:33-44): once NTP slews or steps the
 * wall clock after Falco started, its event times keep the old offset.
 */
export const FALCO_CLOCK_FIX = "Falco's boot-time clock offset is fixed when Falco starts: restart Falco (kubectl -n falco rollout restart ds/falco)";
