import { execa } from "execa";
import { formatMs } from "../core/duration.ts";
import { PermanentError, tail } from "../core/errors.ts";

export interface PortForward {
  readonly localPort: number;
  /** http://127.0.0.1:<localPort> */
  readonly url: string;
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
  /** How long kubectl may take to report the port. */
  timeoutMs: number;
}

/** The local port from kubectl's "Forwarding from 127.0.0.1:41234 -> 8200" line. */
export function parseForwardedPort(output: string): number | undefined {
  const m = /Forwarding from 127\.0\.0\.1:(\d+) -> \d+/.exec(output);
  return m ? Number(m[1]) : undefined;
}

/**
 * Starts `kubectl port-forward <target> :<port>` on 127.0.0.1 and resolves
 * once kubectl prints the local port it chose. Rejects (and kills kubectl)
 * if kubectl exits first or says nothing in time.
 */
export async function startPortForward(o: PortForwardOptions): Promise<PortForward> {
  const args = ["--context", o.context, "-n", o.namespace, "port-forward", "--address", "127.0.0.1", o.target, `:${o.remotePort}`];
  const what = `kubectl ${args.join(" ")}`;
  const sub = execa("kubectl", args, { reject: false, stdin: "ignore", buffer: false });
  let out = "";
  let err = "";
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} printed no port within ${formatMs(o.timeoutMs)}; stderr:\n${tail(err)}`)), o.timeoutMs);
    sub.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const p = parseForwardedPort(out);
      if (p !== undefined) {
        clearTimeout(timer);
        resolve(p);
      }
    });
    sub.stderr?.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")));
    void sub.then((r) => {
      clearTimeout(timer);
      const msg = `${what} exited ${r.exitCode ?? r.signal ?? "?"} before forwarding; stderr:\n${tail(err) || "(empty)"}`;
      reject((r as { code?: string }).code === "ENOENT" ? new PermanentError("kubectl not found on PATH") : new Error(msg));
    });
  }).catch((e: unknown) => {
    sub.kill("SIGTERM");
    throw e;
  });
  const stop = async () => {
    if (sub.exitCode === null && !sub.killed) sub.kill("SIGTERM");
    await sub;
  };
  return { localPort: port, url: `http://127.0.0.1:${port}`, stop, close: stop, [Symbol.asyncDispose]: stop };
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
