import { createHash } from "node:crypto";
import { findLeaks, MIN_LEAK_PREFIX, type Leak } from "../../app/leak-scan.ts";
import { redactionMarker } from "../../evidence/redact.ts";

/** One text the app produced: an HTTP answer (status line, headers, body) or its container log. */
export interface AppOutput {
  /** e.g. "GET / (application/json)", "container log". */
  name: string;
  kind: "response" | "log";
  /** HTTP status for a response; absent for a log. */
  status?: number;
  text: string;
}

/** A credential the app holds, by label; the value never leaves this module's callers. */
export interface Needle {
  label: string;
  value: string;
}

/** One leak, as recorded: which source, which secret (by label), and where and how long, never the characters. */
export interface RecordedLeak extends Leak {
  source: string;
  secret: string;
}

/** What was scanned, without its text. */
export interface ScannedSource {
  name: string;
  kind: AppOutput["kind"];
  status?: number;
  length: number;
  sha256: string;
}

export interface L1Scan {
  secrets: { label: string; marker: string }[];
  sources: ScannedSource[];
  leaks: RecordedLeak[];
  /** The negative control: a page shaped like the source article's, holding the first four characters of a canary. */
  control: { leaks: RecordedLeak[] };
  minPrefix: number;
}

function scanOne(outputs: readonly AppOutput[], needles: readonly Needle[], minPrefix: number): RecordedLeak[] {
  return outputs.flatMap((o) => needles.flatMap((n) => findLeaks(o.text, n.value, minPrefix).map((l) => ({ ...l, source: o.name, secret: n.label }))));
}

/** The article's page printed the password's first four characters; the control text does the same with `canary`. */
export function controlPage(canary: string): AppOutput {
  return { name: "control page", kind: "response", status: 200, text: `<p>user: v-demo</p><p>password: ${canary.slice(0, MIN_LEAK_PREFIX)}****</p>` };
}

/**
 * Scans every output for every needle (findLeaks: the whole value in any
 * spelling, or a prefix of four or more characters) and the control page for
 * the canary. Pure: the result holds lengths, hashes and offsets only.
 */
export function scanAppOutputs(outputs: readonly AppOutput[], needles: readonly Needle[], canary: Needle, minPrefix = MIN_LEAK_PREFIX): L1Scan {
  return {
    secrets: needles.map((n) => ({ label: n.label, marker: redactionMarker(n.value) })),
    sources: outputs.map((o) => ({
      name: o.name,
      kind: o.kind,
      ...(o.status === undefined ? {} : { status: o.status }),
      length: o.text.length,
      sha256: createHash("sha256").update(o.text).digest("hex"),
    })),
    leaks: scanOne(outputs, needles, minPrefix),
    control: { leaks: scanOne([controlPage(canary.value)], [canary], minPrefix) },
    minPrefix,
  };
}
