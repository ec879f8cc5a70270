import { ExecError, type ExecResult } from "../core/exec.ts";
import { MIN_SECRET_LENGTH, redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import { execExit, kubectlFailure } from "../kube/exec-exit.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { AttemptRecord, PodIdentity } from "./attempt.ts";
import type { Attack } from "./catalogue.ts";
import { decodeCredential } from "./decode-output.ts";
import { execWithTty } from "./tty-exec.ts";

export interface AttackTarget {
  kube: Kubectl;
  pod: PodIdentity;
  timeoutMs: number;
  redactor?: Redactor;
}

export interface AttemptResult {
  record: AttemptRecord;
  /**
   * The credential the attempt read, for the one caller that proves it is
   * live (the login check). Already registered with the redaction layer;
   * never written anywhere.
   */
  credential?: string;
}

/** Every exit code is a result here: the catalogue, not the runner, decides what is expected. */
const ANY_EXIT = Array.from({ length: 255 }, (_, i) => i + 1);

interface RawRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

async function runPlain(t: AttackTarget, a: Attack): Promise<RawRun> {
  let r: ExecResult;
  try {
    r = await t.kube.exec(t.pod.namespace, t.pod.name, a.command, {
      container: t.pod.container,
      input: a.stdin,
      okExitCodes: ANY_EXIT,
      timeoutMs: t.timeoutMs,
    });
  } catch (err) {
    // A read cut short (a timeout) may have printed the credential before it could be registered:
    // only the message (command, redacted stderr tail) goes on, not the captured stdout.
    if (err instanceof ExecError) throw new Error(`attack ${a.id}: ${err.message}`);
    throw err;
  }
  // A 137 is a kill only when the container reported it: kubectl's own failures
  // (exit 1, or 137 when kubectl itself was SIGKILLed here) carry no trailer line.
  const x = execExit(r.exitCode, r.stderr);
  if (x.origin === "kubectl") {
    throw new Error(`attack ${a.id}: ${kubectlFailure(r.command, r.exitCode, (t.redactor ?? defaultRedactor).redact(r.stderr))}`);
  }
  return { exitCode: x.exitCode, stdout: r.stdout, stderr: x.stderr };
}

async function runTty(t: AttackTarget, a: Attack): Promise<RawRun> {
  const r = await execWithTty(t.kube.context, t.pod, a.command, a.stdin ?? "", t.timeoutMs);
  return { exitCode: r.exitCode, stdout: r.output, stderr: "" };
}

/**
 * Registers what a credential read printed as a live secret, before anything
 * is recorded. Returns the credential, or undefined when there was nothing
 * registrable (then the output is recorded only as its length).
 */
function registerCredential(a: Attack, stdout: string, red: Redactor): string | undefined {
  if (!a.target) return undefined;
  const printed = stdout.trim();
  const value = a.decode ? decodeCredential(a.decode, stdout, a.target) : printed;
  if (value === undefined || value.length < MIN_SECRET_LENGTH) return undefined;
  red.register(value, `credential read from ${a.target} by attack ${a.id}`);
  // The encoded form is as live as the credential: it is never recorded either.
  if (a.decode && printed.length >= MIN_SECRET_LENGTH) red.register(printed, `credential read from ${a.target} by attack ${a.id}, ${a.decode}-encoded`);
  return value;
}

/**
 * An attempt that ran but did not finish with an exit code of the command
 * (a timeout, kubectl's own failure). It carries the attempt's record, with
 * no output and exit code -1, so the attempt stays in the evidence.
 */
export class AttemptFailed extends Error {
  override readonly name = "AttemptFailed";
  constructor(
    readonly record: AttemptRecord,
    options: ErrorOptions,
  ) {
    super(`attempt ${record.id} did not complete: ${record.error}`, options);
  }
}

function baseRecord(t: AttackTarget, a: Attack, phase: string, startMs: number, endMs: number) {
  return {
    id: `${phase}/${a.id}`,
    attack: a.id,
    phase,
    pod: t.pod,
    command: a.command,
    tty: a.tty === true,
    startedAt: new Date(startMs).toISOString(),
    endedAt: new Date(endMs).toISOString(),
    startMs,
    endMs,
  };
}

/** Runs one catalogue entry in the app container and records it, redacted. */
export async function runAttack(t: AttackTarget, a: Attack, phase: string): Promise<AttemptResult> {
  const red = t.redactor ?? defaultRedactor;
  const startMs = Date.now();
  let raw: RawRun;
  try {
    raw = a.tty ? await runTty(t, a) : await runPlain(t, a);
  } catch (err) {
    // Only the (redacted) message is kept: a read cut short may have printed an unregistered credential.
    const error = red.redact(err instanceof Error ? err.message : String(err));
    const record: AttemptRecord = { ...baseRecord(t, a, phase, startMs, Date.now()), exitCode: -1, stdoutBytes: 0, stdout: "", stderr: "", credentialRegistered: false, error };
    throw new AttemptFailed(record, { cause: err });
  }
  const endMs = Date.now();
  const credential = registerCredential(a, raw.stdout, red);
  const bytes = Buffer.byteLength(raw.stdout, "utf8");
  const unregistrable = a.target !== undefined && bytes > 0 && credential === undefined;
  const record: AttemptRecord = {
    ...baseRecord(t, a, phase, startMs, endMs),
    exitCode: raw.exitCode,
    stdoutBytes: bytes,
    stdout: unregistrable ? `<withheld: ${bytes} bytes from a credential file, too short to redact>` : red.redact(raw.stdout),
    stderr: red.redact(raw.stderr),
    credentialRegistered: credential !== undefined,
  };
  return { record, credential };
}
