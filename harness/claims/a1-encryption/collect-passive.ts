import { etcdKey } from "../../etcd/canary.ts";
import type { EtcdKv } from "../../etcd/probe.ts";
import { type A1PassiveEvidence, CONTROL, describeControl, PASSIVE_JUDGE } from "./passive.ts";
import { describeStoredValue } from "./stored.ts";

/** Raw etcd reads: the gateway reader (harness/etcd/gateway.ts) and the etcdctl probe (harness/etcd/probe.ts) both have this shape. */
export interface RawReader {
  readonly describe: string;
  get(key: string): Promise<EtcdKv | undefined>;
  values(prefix: string): Promise<EtcdKv[]>;
}

/**
 * Reads the control ConfigMap and every value under /registry/secrets/ and
 * describes them: the bytes are read, never kept (a plaintext Secret there is
 * a live credential). Writes nothing anywhere.
 */
export async function collectA1Passive(reader: RawReader): Promise<A1PassiveEvidence> {
  const controlKey = etcdKey({ kind: "ConfigMap", ...CONTROL });
  const control = describeControl(controlKey, (await reader.get(controlKey))?.value);
  const all = await reader.values("/registry/secrets/");
  return { judge: PASSIVE_JUDGE, source: reader.describe, control, allSecrets: all.map((kv) => describeStoredValue(kv.key, kv.value ?? Buffer.alloc(0))) };
}
