import type { Outcome } from "./catalogue.ts";

/** The pod an attempt ran in, as the judges compare alerts and events to it. */
export interface PodIdentity {
  namespace: string;
  name: string;
  uid: string;
  container: string;
  /** Full container id without the runtime prefix (64 hex). */
  containerId: string;
  /** Image as the pod spec names it, e.g. "secretproof/secure-test-app:dev". */
  image: string;
}

/**
 * One run of a catalogue entry, as recorded. Output fields hold only redacted
 * text: a credential read's stdout was registered with the redaction layer
 * before this record existed.
 */
export interface AttemptRecord {
  /** Unique within a run: "<phase>/<attack id>". */
  id: string;
  attack: string;
  phase: string;
  pod: PodIdentity;
  command: string[];
  tty: boolean;
  startedAt: string;
  endedAt: string;
  startMs: number;
  endMs: number;
  exitCode: number;
  stdoutBytes: number;
  stdout: string;
  stderr: string;
  /** True when stdout was registered as a live credential before recording. */
  credentialRegistered: boolean;
  /**
   * Nonce of the marker exec run right after this attempt. Its delivery may
   * be awaited after the attempt or once after a batch of attempts
   * (harness/attack/batch.ts); the judges read whether and when it arrived
   * from each stream itself, and without it an absence is unproven.
   */
  barrier?: string;
  /**
   * Nonce of the last barrier run before this attempt started (absent in
   * older bundles). Whatever ran in the pod before that marker raised its
   * events before the marker's, on the stream's own clock, so a judge counts
   * for the attempt only events after it, whatever the clock slack.
   */
  previousBarrier?: string;
  /**
   * Nonce of a later barrier, run once the event-delay wait after the
   * attempt had passed without a kill (entries Tetragon must spare); one
   * barrier after the last spared attempt may serve them all.
   */
  recheck?: string;
  /** Why the attempt did not finish with the command's exit code (exitCode is then -1, output empty). */
  error?: string;
}

/** Judges an attempt's exit code and output against the catalogue's outcome. */
export function outcomeProblems(a: AttemptRecord, o: Outcome): string[] {
  if (a.error !== undefined) return [`the attempt did not complete: ${a.error}`];
  const p: string[] = [];
  if (a.exitCode !== o.exitCode) p.push(`exit code ${a.exitCode}, expected ${o.exitCode}`);
  switch (o.stdout) {
    case "credential":
      if (a.stdoutBytes === 0) p.push("stdout is empty, expected the credential");
      else if (!a.credentialRegistered) p.push("stdout was not registered as a credential");
      break;
    case "empty":
      if (a.stdoutBytes !== 0) p.push(`stdout has ${a.stdoutBytes} bytes, expected none`);
      break;
    case "terminal":
      if (!/\/dev\/pts\/\d+/.test(a.stdout)) p.push("no /dev/pts/N in the output: the command had no terminal");
      break;
    case "any":
      break;
  }
  return p;
}

/** Collapses runs of whitespace, as Falco's proc.cmdline joins argv with single spaces. */
export function normaliseCmdline(s: string): string {
  return s.trim().split(/\s+/).join(" ");
}
