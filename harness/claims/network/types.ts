import type { AppProbe } from "../../attack/app-probe.ts";

/** One command run with `kubectl exec` in a pod, as recorded. */
export interface ExecRecord {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  /** When kubectl was started (this machine's clock), ISO-8601. */
  startedAt: string;
  durationMs: number;
  exitCode: number;
  /** Whose exit code it is: the remote command's, or kubectl's own (harness/kube/exec-exit.ts). */
  origin: "remote" | "kubectl";
  stdout: string;
  stderr: string;
}

/** The pods the attempt runs between. */
export interface N1Target {
  app: { namespace: string; pod: string; labels: Record<string, string>; ip?: string };
  sink: { namespace: string; pod: string; ip: string; port: number; host: string };
}

export interface N1Evidence {
  target: N1Target;
  attempt: ExecRecord;
  control: ExecRecord;
  /** Raw output of `hubble observe --verdict DROPPED --output json`. */
  flowsText: string;
  probes: AppProbe[];
  /** Largest offset accepted between the node's clock (flow times) and this machine's (attempt times). */
  slackMs: number;
}

/** What the attempt prints on success; the same program in the control prints it too. */
export const CONNECTED = "connected";
