import { chmod, mkdir } from "node:fs/promises";
import { controlPlaneNode } from "../../clusters/names.ts";
import { run } from "../core/exec.ts";
import { dockerCopyArgs, dockerInspectArgs, etcdCertFiles, kindEtcdAccess, nodeIpOf } from "./kind-etcd.ts";
import type { EtcdAccess } from "./target.ts";

/**
 * Copies the kind control-plane node's etcd CA and healthcheck client
 * certificate and key into `dir` (the key 0600) and reads the node's IP:
 * the target's etcd access. Docker must run the node; a missing docker or
 * node is named with the command that found it.
 */
export async function copyKindEtcdCerts(cluster: string, dir: string, commandMs: number): Promise<Exclude<EtcdAccess, string>> {
  const node = controlPlaneNode(cluster);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const inspect = await run("docker", dockerInspectArgs(node), { timeoutMs: commandMs }).catch((err: unknown) => {
    throw new Error(`cannot read the kind node ${node} of cluster ${cluster} (is \`secretproof up\` done and docker running?): ${(err as Error).message}`, { cause: err });
  });
  const ip = nodeIpOf(inspect.stdout, node);
  await Promise.all(dockerCopyArgs(node, dir).map((args) => run("docker", args, { timeoutMs: commandMs })));
  await chmod(etcdCertFiles(dir).keyFile, 0o600);
  return kindEtcdAccess(ip, dir);
}
