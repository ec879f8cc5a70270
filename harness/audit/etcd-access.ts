import type { GatewayReader } from "../etcd/gateway.ts";
import { toMs } from "../../clusters/duration.ts";
import { type EtcdClientFiles, type GatewayTimeouts, tlsGatewayReader } from "../etcd/gateway-tls.ts";
import type { Profile } from "../profile.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { OutsideAnswer } from "./preflight-judge.ts";

/** The etcd prefix whose values A1 reads: kube-apiserver's default --etcd-prefix /registry. */
export const SECRETS_PREFIX = "/registry/secrets/";

/** The etcd gateway's bounds from the profile: the connection waits.connect, each request waits.command. Pure. */
export function etcdTimeouts(p: Profile): GatewayTimeouts {
  return { connectMs: toMs(p.waits.connect), requestMs: toMs(p.waits.command) };
}

/**
 * Whether the endpoint answers the client certificate: one Range with
 * count_only on /registry/secrets/ (no value is sent back). A refusal makes
 * A1 inconclusive with the reason, e.g. the certificate etcd refused.
 */
export async function checkEtcdClient(
  f: EtcdClientFiles,
  timeouts: GatewayTimeouts,
  red: Redactor = defaultRedactor,
  open: (f: EtcdClientFiles, timeouts: GatewayTimeouts, red: Redactor) => Promise<Pick<GatewayReader, "count" | "describe">> = tlsGatewayReader,
): Promise<OutsideAnswer> {
  try {
    const reader = await open(f, timeouts, red);
    const n = await reader.count(SECRETS_PREFIX);
    return { access: "etcd-client", ok: true, detail: `${reader.describe} answered a count-only Range: ${n} keys under ${SECRETS_PREFIX}` };
  } catch (err) {
    return { access: "etcd-client", ok: false, detail: `etcd not reachable with target.etcd's client certificate: ${red.redact((err as Error).message)}` };
  }
}
