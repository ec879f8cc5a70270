import { mkdir } from "node:fs/promises";
import { run } from "../core/exec.ts";
import { kindContext } from "../../clusters/names.ts";

export interface KindCluster {
  readonly name: string;
  /** The kube context kind wrote for this cluster. */
  readonly context: string;
  /** True when this call created the cluster, false when it was reused. */
  readonly created: boolean;
  /** Copies a local Docker image onto the node (kind skips it when the node already has that image ID). */
  /**
   * Loads local images into the node in one `kind load docker-image` (one
   * `docker save` of them all, one import per node that lacks one:
   * kubernetes-sigs/kind pkg/cmd/kind/load/docker-image/docker-image.go:60,
   * 84-196, 209-211 at fed26882, after v0.33.0-alpha).
   */
  loadImages(refs: readonly string[]): Promise<void>;
  /** Writes the node's logs (kubelet, containerd, pods, journal) into `dir`. */
  exportLogs(dir: string): Promise<string>;
  delete(): Promise<void>;
  /** Deletes the cluster: `await using` gives a throwaway cluster. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface KindOptions {
  name: string;
  /** Longest a quick kind/kubectl call may take. */
  commandMs: number;
}

export async function clusterExists(o: KindOptions): Promise<boolean> {
  const r = await run("kind", ["get", "clusters"], { timeoutMs: o.commandMs });
  return r.stdout.split("\n").map((l) => l.trim()).includes(o.name);
}

async function contextExists(context: string, timeoutMs: number): Promise<boolean> {
  const r = await run("kubectl", ["config", "get-contexts", "-o", "name"], { timeoutMs });
  return r.stdout.split("\n").map((l) => l.trim()).includes(context);
}

/** A handle on a cluster that exists (no checks). */
export function attachCluster(o: KindOptions, created = false): KindCluster {
  const handle: KindCluster = {
    name: o.name,
    context: kindContext(o.name),
    created,
    async loadImages(refs) {
      if (refs.length === 0) return;
      await run("kind", ["load", "docker-image", ...refs, "--name", o.name], { timeoutMs: o.commandMs });
    },
    async exportLogs(dir) {
      await mkdir(dir, { recursive: true });
      await run("kind", ["export", "logs", dir, "--name", o.name], { timeoutMs: o.commandMs });
      return dir;
    },
    async delete() {
      await run("kind", ["delete", "cluster", "--name", o.name], { timeoutMs: o.commandMs });
    },
    [Symbol.asyncDispose]: () => handle.delete(),
  };
  return handle;
}

/**
 * Reuses the cluster if it exists (re-exporting its kube context if that was
 * lost), else creates it from `configPath`. No `--wait`: without a CNI the
 * node cannot be Ready until Cilium runs. A failed create keeps the node
 * (`--retain`) long enough for `onCreateFailure` to export its logs, then
 * deletes it, so the next `up` starts clean.
 */
export async function createOrReuseCluster(
  o: KindOptions & { configPath: string; createMs: number; onCreateFailure?: (c: KindCluster) => Promise<unknown> },
): Promise<KindCluster> {
  const context = kindContext(o.name);
  if (await clusterExists(o)) {
    if (!(await contextExists(context, o.commandMs))) {
      await run("kind", ["export", "kubeconfig", "--name", o.name], { timeoutMs: o.commandMs });
    }
    return attachCluster(o, false);
  }
  const handle = attachCluster(o, true);
  try {
    await run("kind", ["create", "cluster", "--name", o.name, "--config", o.configPath, "--retain"], { timeoutMs: o.createMs });
  } catch (err) {
    if (o.onCreateFailure) await o.onCreateFailure(handle).catch(() => undefined);
    await handle.delete().catch(() => undefined);
    throw new Error(`kind could not create cluster ${o.name} from ${o.configPath}`, { cause: err });
  }
  return handle;
}
