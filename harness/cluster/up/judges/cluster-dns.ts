import type { ProbeResult } from "../../../core/wait.ts";
import { POSTGRES } from "../../../../clusters/names.ts";

/**
 * Vault verifies a database connection when it is written (`verify_connection`,
 * default true, "verified during initial configuration": Vault API docs,
 * secret/databases "Configure connection"; harness/vault/configure.ts sets it),
 * dialling POSTGRES.host from the Vault pod. That name resolves only once
 * CoreDNS serves, which needs the CNI; the node turning Ready does not wait
 * for it. So before Vault is configured, the same name is resolved from a pod
 * (postgres-0, with the same search path) and must give the Service's IP.
 */
export function judgeResolution(getent: { exitCode: number; stdout: string }, serviceIp: string): ProbeResult<string> {
  // getent exits 2 when the name does not resolve (getent(1), libc-bin).
  if (getent.exitCode !== 0) return { done: false, state: `getent hosts ${POSTGRES.host} exited ${getent.exitCode}` };
  const addresses = getent.stdout.split("\n").map((l) => l.trim().split(/\s+/)[0]).filter((a): a is string => Boolean(a));
  if (addresses.includes(serviceIp)) return { done: true, value: serviceIp };
  return { done: false, state: `${POSTGRES.host} resolved to ${addresses.join(", ") || "nothing"}, the Service's IP is ${serviceIp}` };
}
