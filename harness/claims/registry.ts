import type { RunCatalogue } from "./detection/run-catalogue.ts";
import type { ClaimId, Verdict } from "./verdict.ts";

/**
 * A read-only view of an evidence bundle, loaded before judging so that
 * judges stay pure.
 */
export interface BundleView {
  files: readonly string[];
  has(path: string): boolean;
  bytes(path: string): Buffer;
  text(path: string): string;
  json<T>(path: string): T;
}

/**
 * One attack attempt as the report's matrix shows it. Each suite records the
 * fields it observed (detection: the Falco ones; enforcement: the Tetragon
 * ones and the exit code) in its own file; rows with the same `attack` merge.
 * `null` means "observed: none" (no alert, no kill time); an absent field
 * means "not observed by this run".
 */
export interface MatrixRow {
  /** Attack catalogue id, e.g. "cat", "python3-open". */
  attack: string;
  /** The read method as a person would write it, e.g. `python3 -c "open(…)"`. */
  method: string;
  /** MITRE ATT&CK technique ids of the catalogue entry, e.g. ["T1552.001"]. */
  mitre?: string[];
  /** The Falco rule that fired (or was expected to), e.g. "[READ] …". */
  falcoRule?: string | null;
  falcoFired?: boolean;
  tetragonKilled?: boolean;
  /** Exit code of the attempt (137 = SIGKILL). */
  exitCode?: number | null;
  /** From the attempt's start to the Falco alert's evt.time. */
  timeToDetectMs?: number | null;
  /** From the attempt's start to Tetragon's SIGKILL event. */
  timeToKillMs?: number | null;
  /** Bundle paths of the raw evidence behind the row. */
  evidence?: string[];
}

/** An AES key from a cluster's EncryptionConfiguration, as an auditor supplies it. */
export interface EncryptionKey {
  /** The key's name in the EncryptionConfiguration; absent for a bare key. */
  name?: string;
  /** aescbc or aesgcm; absent for a bare key. */
  provider?: string;
  secret: Buffer;
}

/** What an auditor may add to a re-judge: material a bundle deliberately does not hold. */
export interface RejudgeOptions {
  /** Lets A1 decrypt the recorded ciphertext itself instead of trusting the recorded decryption. */
  encryptionKeys?: readonly EncryptionKey[];
  /**
   * The verifier's own attack catalogue, resolved with the environment the
   * bundle's catalogue recorded (an observation): the detection and
   * enforcement families judge against it instead of the bundle's.
   */
  expectedCatalogue?: (recorded: RunCatalogue) => RunCatalogue;
  /** The verifier's own Falco rule priorities (rule name → JSON priority), instead of the bundle's. */
  priorities?: Readonly<Record<string, string>>;
}

/**
 * A claim family re-judges its claims from the evidence its suite recorded.
 * `secretproof verify` runs every family on a bundle and compares with the
 * verdicts the run recorded.
 */
export interface ClaimFamily {
  /** Also the name of its verdicts file: verdicts/<id>.json. */
  id: string;
  claims: readonly ClaimId[];
  rejudge(bundle: BundleView, opts?: RejudgeOptions): Verdict[];
  /** The attack-matrix rows the evidence derives, when the family records matrix/<id>/*.json. */
  matrix?(bundle: BundleView, opts?: RejudgeOptions): MatrixRow[];
}

/** The lines of a JSONL artifact, each parsed as JSON; blank lines are skipped. */
export function jsonl<T>(text: string): T[] {
  return text.split("\n").filter((l) => l.trim() !== "").map((l) => JSON.parse(l) as T);
}
