import type { ArtifactWriter } from "../../evidence/recorder.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import { NS, SINK } from "../../../clusters/names.ts";

export interface DiagnosticTarget {
  namespace: string;
  selector: string;
  /** Helm release to show `helm status` of. */
  release?: string;
}

/** The components a step's `diagnose` names. */
export const TARGETS = {
  cilium: { namespace: NS.system, selector: "k8s-app=cilium", release: "cilium" },
  ciliumOperator: { namespace: NS.system, selector: "io.cilium/app=operator" },
  tetragon: { namespace: NS.system, selector: "app.kubernetes.io/name in (tetragon, tetragon-operator)", release: "tetragon" },
  falco: { namespace: NS.falco, selector: "app.kubernetes.io/name=falco", release: "falco" },
  csi: { namespace: NS.system, selector: "app=secrets-store-csi-driver", release: "secrets-store-csi-driver" },
  vault: { namespace: NS.vault, selector: "app.kubernetes.io/name in (vault, vault-csi-provider)", release: "vault" },
  postgres: { namespace: NS.postgres, selector: "app.kubernetes.io/name=postgres" },
  // kubeadm's CoreDNS pods carry the legacy kube-dns label
  coredns: { namespace: NS.system, selector: "k8s-app=kube-dns" },
  app: { namespace: NS.app, selector: "app.kubernetes.io/name=secure-test-app" },
  sink: { namespace: SINK.namespace, selector: "app.kubernetes.io/name in (exfil-sink, exfil-client)" },
} satisfies Record<string, DiagnosticTarget>;

export interface Diagnostics {
  /** Bundle paths written. */
  files: string[];
  /** The last warning events of the failing component's namespaces, for the console. */
  summary: string[];
}

async function capture(k: Kubectl, args: string[]): Promise<string> {
  try {
    const r = await k.run(args, { okExitCodes: [1] });
    return `$ ${r.command}\n${r.stdout}${r.stderr ? `\n[stderr]\n${r.stderr}` : ""}`;
  } catch (err) {
    return `$ kubectl ${args.join(" ")}\n(failed: ${(err as Error).message})`;
  }
}

/**
 * The one failure reporter: for the failed step's components (its spec's
 * `diagnose`: its own, and what it depends on at run time) it records pod
 * state (wide and described), namespace events, container logs (previous
 * ones too) and helm status into diagnostics/<step>/ in the run directory.
 * Everything passes the writer's redaction. Never throws.
 */
export async function collectDiagnostics(
  step: { name: string; diagnose?: readonly DiagnosticTarget[] },
  k: Kubectl,
  out: ArtifactWriter,
  helmStatus?: (release: string, namespace: string) => Promise<string>,
): Promise<Diagnostics> {
  const files: string[] = [];
  const summary: string[] = [];
  const targets = step.diagnose ?? [];
  for (const [i, t] of targets.entries()) {
    const base = `diagnostics/${step.name}/${i}-${t.namespace}`;
    const sel = ["-n", t.namespace, "-l", t.selector];
    const [pods, describe, events, logs, previous] = await Promise.all([
      capture(k, ["get", "pods", ...sel, "-o", "wide"]),
      capture(k, ["describe", "pods", ...sel]),
      capture(k, ["get", "events", "-n", t.namespace, "--sort-by=.lastTimestamp"]),
      capture(k, ["logs", ...sel, "--all-containers", "--prefix", "--tail=200", "--ignore-errors"]),
      capture(k, ["logs", ...sel, "--all-containers", "--prefix", "--tail=100", "--previous", "--ignore-errors"]),
    ]);
    files.push(await out.write(`${base}/pods.txt`, pods), await out.write(`${base}/describe.txt`, describe));
    files.push(await out.write(`${base}/events.txt`, events), await out.write(`${base}/logs.txt`, logs));
    files.push(await out.write(`${base}/logs-previous.txt`, previous));
    if (t.release && helmStatus) {
      const status = await helmStatus(t.release, t.namespace).catch((e: unknown) => `(helm status failed: ${(e as Error).message})`);
      files.push(await out.write(`${base}/helm-status.txt`, status));
    }
    summary.push(`${t.namespace} (${t.selector}):`, ...pods.split("\n").slice(1, 8).map((l) => `  ${l}`));
    summary.push(...events.split("\n").filter((l) => /Warning/.test(l)).slice(-8).map((l) => `  ${l}`));
  }
  return { files, summary };
}
