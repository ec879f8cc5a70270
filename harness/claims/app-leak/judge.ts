import { verdict, type Verdict } from "../verdict.ts";
import type { L1Scan } from "./scan.ts";

const describe = (l: L1Scan["leaks"][number]) => `${l.source}: ${l.kind === "whole" ? "the whole" : `a ${l.length}-character prefix of the`} ${l.secret} at offset ${l.index}`;

/**
 * L1, the app never reveals its credential: no HTTP answer and no log line of
 * the app holds the mounted password, whole or a prefix of `minPrefix` or
 * more characters. Inconclusive without a password to look for, without a
 * 200 answer from `/` or without the container log; the negative control
 * (the same scan finds the article's four-character leak on a control page)
 * must pass for a pass to mean anything.
 */
export function judgeL1(scan: L1Scan, evidence: string[] = []): Verdict {
  const control = scan.control.leaks.some((l) => l.kind === "prefix" || l.kind === "whole")
    ? { verdict: "pass" as const, reasons: [`the scan finds the ${scan.minPrefix}-character prefix on a control page shaped like the article's`] }
    : { verdict: "fail" as const, reasons: ["the scan did not find the control page's leak: it could not see one in the app's output either"] };
  const answered = scan.sources.filter((s) => s.kind === "response" && s.status === 200);
  const logs = scan.sources.filter((s) => s.kind === "log");
  const missing = [
    ...(scan.secrets.length ? [] : ["no mounted password was read to look for"]),
    ...(answered.length ? [] : ["no 200 answer from the app was scanned"]),
    ...(logs.length ? [] : ["the app's container log was not scanned"]),
  ];
  const scanned = `${scan.sources.length} outputs (${answered.length} answered 200, ${logs.length} logs) for ${scan.secrets.map((s) => `${s.label} ${s.marker}`).join(", ") || "nothing"}`;
  if (scan.leaks.length) return verdict("L1", false, [`the app revealed its credential: ${scan.leaks.map(describe).join("; ")}`, `scanned ${scanned}`], evidence, { negativeControl: control });
  if (missing.length || control.verdict !== "pass") return verdict("L1", "inconclusive", [...missing, ...(control.verdict === "pass" ? [] : control.reasons), `scanned ${scanned}`], evidence, { negativeControl: control });
  return verdict("L1", true, [`no answer or log line holds the password or a prefix of ${scan.minPrefix}+ characters; scanned ${scanned}`], evidence, { negativeControl: control });
}
