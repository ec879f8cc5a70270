import { spawn } from "node:child_process";
import { describeCommand } from "../core/exec.ts";
import { PermanentError } from "../core/errors.ts";

export interface PortForward {
  /** http://127.0.0.1:<local port> */
  readonly url: string;
  readonly localPort: number;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

/**
 * `kubectl port-forward` to a Service (or pod) on a free local port, bound to
 * loopback. Resolves once kubectl prints the port it forwards from.
 */
export function portForward(
  kubeContext: string,
  namespace: string,
  target: string,
  remotePort: number,
  timeoutMs: number,
): Promise<PortForward> {
  const args = ["--context", kubeContext, "-n", namespace, "port-forward", "--address", "127.0.0.1", target, `:${remotePort}`];
  const command = describeCommand("kubectl", args);
  const child = spawn("kubectl", args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  const closed = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const close = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await closed;
  };
  return new Promise<PortForward>((resolve, reject) => {
    const timer = setTimeout(() => {
      void close();
      reject(new Error(`${command} printed no forwarding port within ${timeoutMs}ms; stderr: ${err.trim() || "(empty)"}`));
    }, timeoutMs);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject((e as NodeJS.ErrnoException).code === "ENOENT" ? new PermanentError(`kubectl not found on PATH (running: ${command})`) : e);
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err = (err + d).slice(-4000)));
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(new Error(`${command} exited ${code} before forwarding; stderr: ${err.trim() || "(empty)"}`));
    });
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      const m = /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      const localPort = Number(m[1]);
      resolve({ url: `http://127.0.0.1:${localPort}`, localPort, close, [Symbol.asyncDispose]: close });
    });
  });
}
