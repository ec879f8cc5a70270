import { constants } from "node:os";
import { execa } from "execa";
import { formatMs } from "../../clusters/duration.ts";
import { describeCommand } from "./command-line.ts";
import { PermanentError, tail } from "./errors.ts";
import { redactError, redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";

export interface ExecOptions {
  timeoutMs: number;
  /** Bytes or text written to the command's stdin. */
  input?: string | Buffer;
  env?: Record<string, string>;
  cwd?: string;
  /** Exit codes that are a result, not an error (e.g. 137 for a killed reader). */
  okExitCodes?: number[];
  signal?: AbortSignal;
  redactor?: Redactor;
  /**
   * The command prints a secret (a password, a token) that is registered for
   * redaction only once it returns: a failure carries its stdout as a size,
   * never as text, since the redactor does not know the value yet.
   */
  secretStdout?: boolean;
}

export interface ExecResult {
  command: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  startedAt: string;
  durationMs: number;
}

/** A command that ran and failed, timed out, or could not start. */
export class ExecError extends Error {
  override readonly name = "ExecError";
  constructor(
    message: string,
    readonly result: Partial<ExecResult> & { command: string },
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Runs a CLI with a timeout. A non-zero exit (outside okExitCodes), a timeout
 * or a missing binary throws an ExecError naming the command, exit code and
 * the tail of stderr. A missing binary is permanent: waiting will not fix it.
 */
export async function run(file: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> {
  const red = opts.redactor ?? defaultRedactor;
  const command = red.redact(describeCommand(file, args));
  const started = Date.now();
  const startedAt = new Date(started).toISOString();
  const sub = await execa(file, args, {
    timeout: opts.timeoutMs,
    input: opts.input,
    env: opts.env,
    extendEnv: true,
    cwd: opts.cwd,
    reject: false,
    stripFinalNewline: false,
    cancelSignal: opts.signal,
    encoding: "utf8",
  });
  const durationMs = Date.now() - started;
  const base = { command, startedAt, durationMs, stdout: sub.stdout, stderr: sub.stderr };
  // What an ExecError carries is printed by test runners (its properties, its cause): redacted, like its message.
  const stdout = opts.secretStdout ? `<withheld: ${Buffer.byteLength(sub.stdout)} bytes of secret output>` : red.redact(sub.stdout);
  const failed = { command, startedAt, durationMs, stdout, stderr: red.redact(sub.stderr) };
  const killedBy = !sub.timedOut && !sub.isCanceled && sub.exitCode === undefined ? sub.signal : undefined;
  if (sub.failed && sub.exitCode === undefined && !killedBy) {
    const code = (sub as { code?: string }).code;
    if (code === "ENOENT") {
      throw new PermanentError(`${file} not found on PATH (running: ${command})`);
    }
    if (sub.timedOut) {
      throw new ExecError(
        `${command} timed out after ${formatMs(opts.timeoutMs)}; stderr:\n${tail(failed.stderr)}`,
        failed,
      );
    }
    const why = sub.isCanceled ? "was cancelled" : `could not run (${code ?? sub.signal ?? "unknown"})`;
    throw new ExecError(`${command} ${why}`, failed, sub.cause === undefined ? undefined : { cause: redactError(sub.cause, red) });
  }
  // A process killed by a signal reports 128 + signal number, as shells and kubectl exec do (SIGKILL: 137).
  const exitCode = sub.exitCode ?? (killedBy ? 128 + (constants.signals[killedBy] ?? 0) : -1);
  if (exitCode !== 0 && !(opts.okExitCodes ?? []).includes(exitCode)) {
    throw new ExecError(
      `${command} exited ${exitCode} after ${formatMs(durationMs)}; stderr:\n${tail(failed.stderr) || "(empty)"}`,
      { ...failed, exitCode },
    );
  }
  return { ...base, exitCode };
}

/** True when `file` can be started (it is on PATH and executable). */
export async function which(file: string): Promise<string | undefined> {
  const r = await execa("sh", ["-c", 'command -v "$1"', "sh", file], { reject: false });
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}
