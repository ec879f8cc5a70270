import type { Unreadable } from "../vault/leases.ts";
import { NS } from "../../clusters/names.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { Kubectl } from "../kube/kubectl.ts";

/**
 * A failed republish looks like a slow kubelet. When NodePublishVolume
 * remounts a volume that is already mounted and the provider fails, the
 * secrets-store-csi-driver logs
 *   klog.ErrorS(err, "failed to mount secrets store object content", "pod", klog.ObjectRef{…}, "isRemountRequest", isRemountRequest)
 * and answers success, keeping the old content mounted
 * (kubernetes-sigs/secrets-store-csi-driver v1.6.0 pkg/secrets-store/nodeserver.go:244-249,
 * "Mask error until fix available for kubernetes/kubernetes#121271").
 *
 * The chart leaves logFormatJSON false (charts/secrets-store-csi-driver/values.yaml:203),
 * so main.go:94-98 sets monis.app/mlog v0.0.2 to its text format, which is
 * klog's textlogger (mlog zap.go newLogr; k8s.io/klog/v2 v2.120.1, the
 * driver's go.mod:21). A line reads
 *   E1201 10:00:31.123456       1 nodeserver.go:245] "failed to mount secrets store object content" err="rpc error: …" pod="test-dynamic/secure-test-app-…" isRemountRequest=true
 * (textlogger/textlogger.go printWithInfos, internal/buffer/buffer.go FormatHeader):
 * the message and string values Go-quoted, except that a value holding a
 * newline is written `key=<`, then each of its lines after a tab, then ` >`
 * (internal/serialize/keyvalues.go:250-292 writeStringValue). `kubectl logs
 * --timestamps` puts the kubelet's RFC 3339 time before every line.
 */
export const MASKED_REMOUNT_MESSAGE = "failed to mount secrets store object content";

/** The driver as chart 1.6.0 installs it under release "secrets-store-csi-driver" (templates/secrets-store-csi-driver.yaml:5 sscd.fullname, :61). */
export const CSI_DRIVER = { namespace: NS.system, daemonSet: "secrets-store-csi-driver", container: "secrets-store" } as const;

/** One remount the driver failed and reported as done. */
export interface RemountFailure {
  /** The kubelet's time for the line, else klog's own (month, day and time, no year). */
  at: string;
  /** `namespace/name` of the pod whose volume it was. */
  pod?: string;
  error: string;
}

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (.*)$/;
const HEADER = /^[IWEF](\d{4} \d\d:\d\d:\d\d\.\d{6}) +\d+ [^\]\s]+:\d+\] (.*)$/;
const ESCAPES: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", "\\": "\\", '"': '"', "'": "'" };

/** Reads a Go-quoted string starting at text[i] === '"'; returns it and the index after the closing quote. */
function goQuoted(text: string, i: number): { value: string; next: number } | undefined {
  let out = "";
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j] as string;
    if (c === '"') return { value: out, next: j + 1 };
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = text[j + 1] ?? "";
    const hex = { x: 2, u: 4, U: 8 }[e];
    if (hex) {
      out += String.fromCodePoint(Number.parseInt(text.slice(j + 2, j + 2 + hex), 16));
      j += 1 + hex;
    } else {
      out += ESCAPES[e] ?? e;
      j += 1;
    }
  }
  return undefined;
}

/** The key=value pairs after klog's message: quoted, `<` multi-line, or bare values. */
function keyValues(text: string): Record<string, string> {
  const kv: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    const m = /^[\s>]*([A-Za-z][\w.-]*)=/.exec(text.slice(i));
    if (!m) break;
    const key = m[1] as string;
    i += m[0].length;
    if (text[i] === '"') {
      const q = goQuoted(text, i);
      if (!q) break;
      kv[key] = q.value;
      i = q.next;
    } else if (text.startsWith("<\n", i)) {
      const end = text.indexOf("\n >", i);
      const body = text.slice(i + 2, end < 0 ? text.length : end);
      kv[key] = body.split("\n").map((l) => l.replace(/^\t/, "")).join("\n");
      i = end < 0 ? text.length : end + 3;
    } else {
      const bare = /^[^\s]*/.exec(text.slice(i))?.[0] ?? "";
      kv[key] = bare;
      i += bare.length;
    }
  }
  return kv;
}

/** Log entries: a klog header line and the continuation lines of its multi-line values, each with its time. */
function entries(log: string): { at: string; text: string }[] {
  const out: { at: string; text: string }[] = [];
  for (const raw of log.split("\n")) {
    const stamped = STAMP.exec(raw);
    const line = stamped ? (stamped[2] as string) : raw;
    const head = HEADER.exec(line);
    if (head) out.push({ at: stamped ? (stamped[1] as string) : (head[1] as string), text: head[2] as string });
    else if (out.length > 0 && /^(\t| >)/.test(line)) (out.at(-1) as { text: string }).text += `\n${line}`;
  }
  return out;
}

/** How many klog text entries the log holds: none in a non-empty log means its format is not the one parsed here. */
export function klogEntries(log: string): number {
  return entries(log).length;
}

/**
 * Every masked remount failure in the driver's log, oldest first: the lines
 * with MASKED_REMOUNT_MESSAGE and isRemountRequest=true, for pods in
 * `namespace`. Everything else is skipped.
 */
export function remountFailures(log: string, namespace: string): RemountFailure[] {
  const out: RemountFailure[] = [];
  for (const e of entries(log)) {
    if (!e.text.startsWith('"')) continue;
    const msg = goQuoted(e.text, 0);
    if (msg?.value !== MASKED_REMOUNT_MESSAGE) continue;
    const kv = keyValues(e.text.slice(msg.next));
    if (kv.isRemountRequest !== "true" || !kv.pod?.startsWith(`${namespace}/`)) continue;
    out.push({ at: e.at, pod: kv.pod, error: kv.err ?? "(no err field)" });
  }
  return out;
}

/** The lead of the cadence message when the driver logged masked remount failures, else undefined. */
export function remountFailureLead(failures: readonly RemountFailure[]): string | undefined {
  const first = failures[0];
  if (!first) return undefined;
  const last = failures.at(-1) as RemountFailure;
  const more = failures.length > 1 ? ` (${failures.length} failed remounts logged, the last at ${last.at})` : "";
  return (
    `the CSI driver failed to remount ${first.pod ?? "the app's volume"} at ${first.at}: ${first.error.replace(/\s*\n\s*/g, " ")}${more} ` +
    "(secrets-store-csi-driver v1.6.0 pkg/secrets-store/nodeserver.go:244-249 masks remount errors and keeps the old content)"
  );
}

/**
 * The masked remount failures of app pods the driver logged since `since`
 * (RFC 3339), read through the redactor. Never throws: a log that cannot be
 * read is recorded as unreadable, with the reason.
 */
export async function readRemountFailures(kube: Pick<Kubectl, "run">, since: string, red: Redactor = defaultRedactor): Promise<RemountFailure[] | Unreadable> {
  const { namespace, daemonSet, container } = CSI_DRIVER;
  try {
    const r = await kube.run(["-n", namespace, "logs", `ds/${daemonSet}`, "-c", container, "--timestamps", `--since-time=${since}`]);
    const log = red.redact(r.stdout);
    const lines = log.split("\n").filter((l) => l.trim() !== "").length;
    if (lines > 0 && klogEntries(log) === 0) {
      return { unreadable: `${r.command} printed ${lines} lines and none in klog's text format (logFormatJSON set?), so masked remount failures cannot be read from it` };
    }
    return remountFailures(log, NS.app);
  } catch (err) {
    return { unreadable: red.redact(err instanceof Error ? err.message : String(err)) };
  }
}
