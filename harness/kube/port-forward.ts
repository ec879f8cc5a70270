import { execa } from "execa";
import { formatMs } from "../../clusters/duration.ts";
import { PermanentError, tail } from "../core/errors.ts";
import { describeCommand } from "../core/command-line.ts";
import { redactor } from "../evidence/redact.ts";

/** How a port-forward ended on its own. */
export interface PortForwardExit {
  /** kubectl's exit code, or the signal that ended it. */
  exit: string;
  /** Time from the forwarded port being reported to the exit. */
  afterMs: number;
  /** The tail of kubectl's stderr (redacted). */
  stderr: string;
}

/**
 * kubectl stopped forwarding by itself. kubectl port-forward ends the whole
 * forward after the first connection the pod side refuses or resets, and when
 * the pod behind the target goes away (client-go tools/portforward
 * handleConnection closes the stream connection, forward() then returns
 * ErrLostConnectionToPod; kubernetes/kubectl#1169). Every later request to
 * the local port would fail as "connection refused": this names the cause.
 */
export class PortForwardExitedError extends PermanentError {
  constructor(
    readonly command: string,
    readonly localPort: number,
    readonly exit: PortForwardExit,
    options?: ErrorOptions,
  ) {
    super(
      `${command} stopped forwarding 127.0.0.1:${localPort}: it exited ${exit.exit} after ${formatMs(exit.afterMs)} ` +
        `(kubectl ends a port-forward after the first refused connection or when its pod goes away); stderr:\n${exit.stderr || "(empty)"}`,
      options,
    );
  }
}

export interface PortForward {
  readonly localPort: number;
  /** http://127.0.0.1:<localPort>. Throws PortForwardExitedError once kubectl has exited on its own. */
  readonly url: string;
  /** True while kubectl runs and stop() has not been called. */
  readonly alive: boolean;
  /** How kubectl exited on its own; undefined while it runs, or after stop(). */
  readonly exited: PortForwardExit | undefined;
  /** Aborted, with the PortForwardExitedError as reason, when kubectl exits on its own. */
  readonly signal: AbortSignal;
  /** Throws PortForwardExitedError if kubectl has exited on its own. */
  assertAlive(): void;
  /** A PortForwardExitedError caused by `err` when kubectl has exited on its own (the likelier reason `err` happened); else `err`. */
  explain(err: unknown): unknown;
  stop(): Promise<void>;
  /** Same as stop(). */
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface PortForwardOptions {
  context: string;
  namespace: string;
  /** e.g. "svc/vault" or "pod/postgres-0". */
  target: string;
  remotePort: number;
  /** A fixed local port (a target file names it); default: one kubectl picks. */
  localPort?: number;
  /** How long kubectl may take to report the port. */
  timeoutMs: number;
}

/** The local port from kubectl's "Forwarding from 127.0.0.1:41234 -> 8200" line. */
export function parseForwardedPort(output: string): number | undefined {
  const m = /Forwarding from 127\.0\.0\.1:(\d+) -> \d+/.exec(output);
  return m ? Number(m[1]) : undefined;
}

type Sub = ReturnType<typeof execa>;
interface Streams {
  out: string;
  err: string;
}
interface Ended {
  exit: string;
  enoent: boolean;
}

const stderrTail = (io: Streams) => redactor.redact(tail(io.err));

/** Resolves with the port kubectl reports; rejects if it exits first or says nothing in time. */
function reportedPort(sub: Sub, io: Streams, ended: Promise<Ended>, timeoutMs: number, what: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} printed no port within ${formatMs(timeoutMs)}; stderr:\n${stderrTail(io)}`)), timeoutMs);
    sub.stdout?.on("data", () => {
      const p = parseForwardedPort(io.out);
      if (p === undefined) return;
      clearTimeout(timer);
      resolve(p);
    });
    void ended.then((e) => {
      clearTimeout(timer);
      if (e.enoent) return reject(new PermanentError("kubectl not found on PATH"));
      reject(new Error(`${what} exited ${e.exit} before forwarding; stderr:\n${stderrTail(io) || "(empty)"}`));
    });
  });
}

/**
 * Starts `kubectl port-forward <target> :<port>` on 127.0.0.1 and resolves
 * once kubectl prints the local port it chose. Rejects (and kills kubectl)
 * if kubectl exits first or says nothing in time. Afterwards the handle
 * watches kubectl: once it exits on its own, `alive` is false, `url` and
 * `assertAlive()` throw a PortForwardExitedError with its exit and stderr,
 * and `signal` aborts with that error.
 */
export async function startPortForward(o: PortForwardOptions): Promise<PortForward> {
  const args = ["--context", o.context, "-n", o.namespace, "port-forward", "--address", "127.0.0.1", o.target, `${o.localPort ?? ""}:${o.remotePort}`];
  const what = redactor.redact(describeCommand("kubectl", args));
  const sub = execa("kubectl", args, { reject: false, stdin: "ignore", buffer: false });
  const io: Streams = { out: "", err: "" };
  sub.stdout?.on("data", (chunk: Buffer) => (io.out += chunk.toString("utf8")));
  sub.stderr?.on("data", (chunk: Buffer) => (io.err += chunk.toString("utf8")));
  const ended: Promise<Ended> = sub.then((r) => ({
    exit: String(r.exitCode ?? r.signal ?? "?"),
    enoent: (r as { code?: string }).code === "ENOENT",
  }));
  const port = await reportedPort(sub, io, ended, o.timeoutMs, what).catch((e: unknown) => {
    sub.kill("SIGTERM");
    throw e;
  });
  return watch(sub, io, ended, port, what);
}

/** The handle on a forwarding kubectl: notices when it exits without being asked to. */
function watch(sub: Sub, io: Streams, ended: Promise<Ended>, localPort: number, what: string): PortForward {
  const since = Date.now();
  const controller = new AbortController();
  let stopping = false;
  let exited: PortForwardExit | undefined;
  const failure = (cause?: unknown) => new PortForwardExitedError(what, localPort, exited!, cause === undefined ? undefined : { cause });
  void ended.then((e) => {
    if (stopping) return;
    exited = { exit: e.exit, afterMs: Date.now() - since, stderr: stderrTail(io) };
    controller.abort(failure());
  });
  const stop = async () => {
    stopping = true;
    if (sub.exitCode === null && sub.signalCode === null) sub.kill("SIGTERM");
    await sub;
  };
  const pf: PortForward = {
    localPort,
    get url() {
      if (exited) throw failure();
      return `http://127.0.0.1:${localPort}`;
    },
    get alive() {
      return !stopping && !exited && sub.exitCode === null && sub.signalCode === null;
    },
    get exited() {
      return exited;
    },
    signal: controller.signal,
    assertAlive() {
      if (exited) throw failure();
    },
    explain: (err) => (exited ? failure(err) : err),
    stop,
    close: stop,
    [Symbol.asyncDispose]: stop,
  };
  return pf;
}

/** Positional form of startPortForward. */
export function portForward(
  kubeContext: string,
  namespace: string,
  target: string,
  remotePort: number,
  timeoutMs: number,
): Promise<PortForward> {
  return startPortForward({ context: kubeContext, namespace, target, remotePort, timeoutMs });
}
