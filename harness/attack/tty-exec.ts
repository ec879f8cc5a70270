import { PassThrough, Writable } from "node:stream";
import { Exec, KubeConfig, type V1Status } from "@kubernetes/client-node";
import { redactError, redactor } from "../evidence/redact.ts";
import type { PodIdentity } from "./attempt.ts";

export interface TtyResult {
  exitCode: number;
  /** Terminal output (stdout and stderr are one stream on a TTY). */
  output: string;
}

/** Exit code from the exec status channel: Success -> 0, NonZeroExitCode -> its ExitCode cause. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === "Success") return 0;
  const cause = status.details?.causes?.find((c) => c.reason === "ExitCode");
  const code = Number(cause?.message);
  if (cause && Number.isInteger(code)) return code;
  throw new Error(`exec failed: ${status.reason ?? "unknown"}: ${status.message ?? JSON.stringify(status)}`);
}

/**
 * Runs a command in the container with a terminal allocated by the container
 * runtime (exec request with tty=true), writing `input` as keystrokes.
 *
 * Why not `kubectl exec -it`: kubectl only asks for a TTY when its own stdin
 * is a terminal; under a test runner it prints "Unable to use a TTY" and runs
 * without one. `script -qec` would fake a local terminal, but depends on the
 * host's util-linux and on script's stdin handling. The API's exec with
 * tty=true is exactly what kubectl sends from a real terminal.
 */
export async function execWithTty(
  kubeContext: string,
  pod: PodIdentity,
  command: readonly string[],
  input: string,
  timeoutMs: number,
): Promise<TtyResult> {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  kc.setCurrentContext(kubeContext);
  let output = "";
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      output += chunk.toString("utf8");
      cb();
    },
  });
  const stdin = new PassThrough();
  const where = `${pod.namespace}/${pod.name} -c ${pod.container}`;
  return new Promise<TtyResult>((resolve, reject) => {
    let ws: { close(): void } | undefined;
    const timer = setTimeout(() => {
      ws?.close();
      // only a count: a credential the command printed may not be registered with the redactor yet
      reject(new Error(`tty exec of ${command.join(" ")} in ${where} did not finish within ${timeoutMs}ms; ${Buffer.byteLength(output)} bytes of output so far (not shown)`));
    }, timeoutMs);
    const onStatus = (status: V1Status) => {
      clearTimeout(timer);
      stdin.end();
      try {
        resolve({ exitCode: exitCodeOf(status), output });
      } catch (err) {
        reject(new Error(`tty exec of ${command.join(" ")} in ${where}`, { cause: redactError(err, redactor) }));
      }
    };
    new Exec(kc)
      .exec(pod.namespace, pod.name, pod.container, [...command], sink, null, stdin, true, onStatus)
      .then((socket) => {
        ws = socket;
        stdin.write(input);
      })
      .catch((err: unknown) => {
        clearTimeout(timer);
        // The client's error can hold its WebSocket, and with it the kubeconfig's TLS options: only a copy goes on.
        reject(new Error(`tty exec of ${command.join(" ")} in ${where} could not connect`, { cause: redactError(err, redactor) }));
      });
  });
}
