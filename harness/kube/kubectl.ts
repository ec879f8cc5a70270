import { type ExecResult, run } from "../core/exec.ts";
import { redactError, redactor } from "../evidence/redact.ts";

export interface KubectlExecOptions {
  container?: string;
  /** Allocate a TTY (`-t`) and keep stdin open (`-i`), as an interactive shell would. */
  tty?: boolean;
  input?: string | Buffer;
  /** Exit codes that are results, e.g. 137 for a reader Tetragon killed. */
  okExitCodes?: number[];
  timeoutMs?: number;
  /** The command prints a secret: a failure withholds its stdout (see ExecOptions.secretStdout). */
  secretStdout?: boolean;
}

/**
 * kubectl pinned to one kube context. Every call names the context, so a
 * suite can never act on a cluster it did not create.
 */
export interface Kubectl {
  readonly context: string;
  run(args: readonly string[], opts?: { input?: string | Buffer; okExitCodes?: number[]; timeoutMs?: number; secretStdout?: boolean }): Promise<ExecResult>;
  json<T>(args: readonly string[]): Promise<T>;
  /** Server-side apply of a YAML/JSON manifest (one or more documents). */
  apply(manifest: string, fieldManager?: string): Promise<ExecResult>;
  /** Runs a command in a pod (`target` is a pod name or `deploy/<name>`). */
  exec(namespace: string, target: string, command: readonly string[], opts?: KubectlExecOptions): Promise<ExecResult>;
  /** Waits for a Deployment/DaemonSet/StatefulSet (`deploy/<name>`, `ds/<name>`, …) to finish rolling out. */
  rolloutStatus(namespace: string, resource: string, timeoutMs: number): Promise<ExecResult>;
}

export function kubectl(context: string, defaultTimeoutMs: number): Kubectl {
  const base = ["--context", context];
  const k: Kubectl = {
    context,
    run: (args, opts = {}) =>
      run("kubectl", [...base, ...args], {
        timeoutMs: opts.timeoutMs ?? defaultTimeoutMs,
        input: opts.input,
        okExitCodes: opts.okExitCodes,
        secretStdout: opts.secretStdout,
      }),
    async json<T>(args: readonly string[]) {
      const r = await k.run([...args, "-o", "json"]);
      try {
        return JSON.parse(r.stdout) as T;
      } catch (err) {
        // The output may be every Secret in the cluster, and the parser's message quotes it: both redacted.
        throw new Error(`${r.command} did not print JSON: ${redactor.redact(r.stdout).slice(0, 200)}`, { cause: redactError(err, redactor) });
      }
    },
    apply: (manifest, fieldManager = "secretproof") =>
      k.run(["apply", "--server-side", "--force-conflicts", `--field-manager=${fieldManager}`, "-f", "-"], {
        input: manifest,
      }),
    exec: (namespace, target, command, opts = {}) => {
      const flags = opts.tty ? ["-i", "-t"] : opts.input !== undefined ? ["-i"] : [];
      const container = opts.container ? ["-c", opts.container] : [];
      return k.run(["-n", namespace, "exec", ...flags, target, ...container, "--", ...command], {
        input: opts.input,
        okExitCodes: opts.okExitCodes,
        timeoutMs: opts.timeoutMs,
        secretStdout: opts.secretStdout,
      });
    },
    rolloutStatus: (namespace, resource, timeoutMs) =>
      k.run(["-n", namespace, "rollout", "status", resource, `--timeout=${Math.ceil(timeoutMs / 1000)}s`], {
        timeoutMs: timeoutMs + defaultTimeoutMs,
      }),
  };
  return k;
}
