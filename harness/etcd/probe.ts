import type { ExecResult } from "../core/exec.ts";
import { redactError, redactor } from "../evidence/redact.ts";

/**
 * Reads raw values from etcd through `etcdctl ... -w json`, which prints the
 * v3 RangeResponse as Go's encoding/json renders it (etcd
 * etcdctl/ctlv3/command/printer_json.go, same shape in 3.4, 3.5 and 3.6):
 * `{"header":{...},"kvs":[{"key":b64,"create_revision","mod_revision","version","value":b64}],"count"}`.
 * Zero fields are omitted: no `kvs` when nothing matched, no `value` with
 * --keys-only. Base64 keeps binary values intact through `kubectl exec`.
 * The header's uint64 ids exceed JavaScript's safe integers; they are not read.
 */

/** Runs etcdctl with these arguments (the endpoint and TLS flags are the runner's business). */
export type EtcdctlRunner = (args: string[]) => Promise<ExecResult>;

export interface EtcdKv {
  key: string;
  /** Absent when listed with --keys-only. */
  value?: Buffer;
  createRevision: number;
  modRevision: number;
  version: number;
}

interface JsonKv {
  key?: unknown;
  value?: unknown;
  create_revision?: unknown;
  mod_revision?: unknown;
  version?: unknown;
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function b64(field: string, v: unknown): Buffer {
  if (typeof v !== "string" || v.length % 4 !== 0 || !B64.test(v)) {
    throw new Error(`etcdctl JSON: ${field} is not standard base64: ${JSON.stringify(v)?.slice(0, 80)}`);
  }
  return Buffer.from(v, "base64");
}

const num = (v: unknown): number => (typeof v === "number" ? v : 0);

/** Parses `etcdctl get ... -w json` output; throws naming what is wrong with it. */
export function parseGetJson(stdout: string): EtcdKv[] {
  let doc: unknown;
  try {
    doc = JSON.parse(stdout);
  } catch (err) {
    throw new Error(`etcdctl JSON: not JSON: ${JSON.stringify(redactor.redact(stdout).slice(0, 200))}`, { cause: redactError(err, redactor) });
  }
  if (typeof doc !== "object" || doc === null || !("header" in doc)) {
    throw new Error(`etcdctl JSON: not a RangeResponse (no header): ${JSON.stringify(redactor.redact(stdout).slice(0, 200))}`);
  }
  const kvs = (doc as { kvs?: unknown }).kvs;
  if (kvs === undefined) return [];
  if (!Array.isArray(kvs)) throw new Error("etcdctl JSON: kvs is not an array");
  return kvs.map((raw: JsonKv) => {
    const kv: EtcdKv = {
      key: b64("key", raw.key).toString("utf8"),
      createRevision: num(raw.create_revision),
      modRevision: num(raw.mod_revision),
      version: num(raw.version),
    };
    // A present key with an empty value has no "value" field either; the revision tells them apart from keys-only.
    if (raw.value !== undefined) kv.value = b64("value", raw.value);
    return kv;
  });
}

/** Read-only access to etcd's raw bytes. It never writes. */
export class EtcdProbe {
  constructor(
    readonly run: EtcdctlRunner,
    readonly describe: string,
  ) {}

  async #get(args: string[]): Promise<EtcdKv[]> {
    const r = await this.run(["get", ...args, "-w", "json"]);
    try {
      return parseGetJson(r.stdout);
    } catch (err) {
      throw new Error(`${r.command} against ${this.describe}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The raw value at `key`, or undefined when the key does not exist. */
  async get(key: string): Promise<EtcdKv | undefined> {
    const [kv] = await this.#get([key]);
    if (kv && kv.value === undefined) kv.value = Buffer.alloc(0);
    return kv;
  }

  /** Every key under `prefix` (no values). */
  async keys(prefix: string): Promise<string[]> {
    return (await this.#get([prefix, "--prefix", "--keys-only"])).map((kv) => kv.key);
  }

  /** Every key and raw value under `prefix`. */
  async values(prefix: string): Promise<EtcdKv[]> {
    const kvs = await this.#get([prefix, "--prefix"]);
    for (const kv of kvs) kv.value ??= Buffer.alloc(0);
    return kvs;
  }
}
