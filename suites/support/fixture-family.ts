/**
 * A claim family local to these tests, so verify/report are proven without
 * depending on the real families. Its judges are real logic over evidence in
 * real formats: `kubectl get secrets -A -o json` for A2, exec results and
 * Tetragon `process_kprobe` events for T1.
 */
import type { BundleView, ClaimFamily } from "../../harness/claims/registry.ts";
import { type Verdict, verdict } from "../../harness/claims/verdict.ts";

export type { Verdict };

export const FIXTURE_FAMILY_ID = "fixture-readers";
export const SECRETS = "A2/secrets.json";
export const IDENTITIES = "A2/identities.json";
export const CANARY = "A2/canary.json";
export const TETRAGON = "T1/tetragon.jsonl";
export const attemptPath = (attack: string) => `T1/attempt-${attack}.json`;

export interface SecretList {
  items: { metadata: { namespace: string; name: string }; data?: Record<string, string> }[];
  [field: string]: unknown;
}
export interface Attempt {
  attack: string;
  binary: string;
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
}
interface KprobeEvent {
  process_kprobe?: { process: { binary: string; pod?: { namespace: string } }; action?: string };
}

function secretsHolding(list: SecretList, needle: string): string[] {
  return list.items
    .filter((s) => Object.values(s.data ?? {}).some((b64) => Buffer.from(b64, "base64").toString("utf8").includes(needle)))
    .map((s) => `${s.metadata.namespace}/${s.metadata.name}`);
}

/** A2: no Secret in the app namespace, no Secret holding an identity the app reported; the scan finds a planted canary. */
export function judgeNoSecret(list: SecretList, identities: string[], canary: { value: string; name: string }): Verdict {
  const inApp = list.items.filter((s) => s.metadata.namespace === "test-dynamic").map((s) => s.metadata.name);
  const holding = identities.flatMap((id) => secretsHolding(list, id).map((s) => `${s} holds ${id}`));
  const found = secretsHolding(list, canary.value);
  const control = found.length
    ? { verdict: "pass" as const, reasons: [`the scan found the planted canary in ${found.join(", ")}`] }
    : { verdict: "fail" as const, reasons: [`the scan missed the planted canary ${canary.name}`] };
  const problems = [...inApp.map((n) => `Secret test-dynamic/${n} exists`), ...holding];
  const ok = control.verdict === "fail" ? "inconclusive" : problems.length === 0;
  const reasons = problems.length ? problems : [`${list.items.length} Secrets scanned for ${identities.length} identities: none holds one`];
  return verdict("A2", ok, reasons, [SECRETS, IDENTITIES, CANARY], { negativeControl: control });
}

/** T1: each unauthorized reader exits 137 with empty stdout, and Tetragon logged a SIGKILL for its binary. */
export function judgeKilled(a: Attempt, events: KprobeEvent[]): Verdict {
  const kills = events.filter(
    (e) => e.process_kprobe?.action === "KPROBE_ACTION_SIGKILL" && e.process_kprobe.process.binary === a.binary,
  );
  const reasons: string[] = [];
  if (a.exitCode !== 137) reasons.push(`${a.command} exited ${a.exitCode}, not 137`);
  if (a.stdout !== "") reasons.push(`${a.command} printed ${a.stdout.length} bytes`);
  if (kills.length === 0) reasons.push(`no Tetragon SIGKILL event for ${a.binary}`);
  const ok = reasons.length === 0;
  if (ok) reasons.push(`${a.command} exited 137 with empty stdout; Tetragon SIGKILL for ${a.binary}`);
  return verdict("T1", ok, reasons, [attemptPath(a.attack), TETRAGON], { subject: a.attack });
}

export const fixtureFamily: ClaimFamily = {
  id: FIXTURE_FAMILY_ID,
  claims: ["A2", "T1"],
  rejudge(b: BundleView): Verdict[] {
    const events = b
      .text(TETRAGON)
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as KprobeEvent);
    const attempts = b.files.filter((f) => /^T1\/attempt-.+\.json$/.test(f)).map((f) => b.json<Attempt>(f));
    return [
      judgeNoSecret(b.json(SECRETS), b.json(IDENTITIES), b.json(CANARY)),
      ...attempts.map((a) => judgeKilled(a, events)),
    ];
  },
};
