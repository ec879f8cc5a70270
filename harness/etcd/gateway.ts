import type { EtcdKv } from "./probe.ts";

/**
 * Reads raw values through etcd's gRPC JSON gateway: POST /v3/kv/range on a
 * client URL (etcd api/etcdserverpb/rpc.proto `rpc Range`, `post: "/v3/kv/range"`).
 * The gateway is on by default: etcd v3.6.9 server/embed/config.go:705
 * (`EnableGRPCGateway: true`) and :912 (the `--enable-grpc-gateway` flag), and
 * v3.4.23 etcdmain/config.go:253. It is served on the client URLs, TLS ones
 * included (v3.6.9 server/embed/serve.go:152-158, 255, 395-397). Its JSON
 * is protojson with proto field names and no zero fields (serve.go:331-343;
 * v3.4's grpc-gateway v1 jsonpb `OrigName` gives the same): int64 fields are
 * strings, bytes are standard base64, `kvs` and `more` are absent when empty
 * or false. Only Range is ever sent: the transport refuses any other path.
 * With etcd's own auth enabled and client-cert auth on, the gateway refuses a
 * client certificate with a CommonName (serve.go:455-464, HTTP 400); the
 * error names it.
 */

/** The one gateway path a reader may call. */
export const RANGE_PATH = "/v3/kv/range";

/** Sends one JSON body to a gateway path and returns the status and body text. */
export type GatewayPost = (path: string, body: string) => Promise<{ status: number; text: string }>;

/** One page of keys a Range asks for: the gateway's limit is a count of keys. */
export const PAGE_SIZE = 500;

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");

/** The range_end that makes a Range a prefix scan: the prefix with its last byte incremented (etcd v3.6.9 client/v3/op.go:375 GetPrefixRangeEnd). Pure. */
export function prefixEnd(prefix: string): Buffer {
  const end = Buffer.from(prefix, "utf8");
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

export interface RangeAsk {
  key: string | Buffer;
  rangeEnd?: Buffer;
  limit?: number;
  countOnly?: boolean;
}

/** A RangeRequest as the gateway reads it: bytes base64, int64 as a string (protojson accepts both forms). Pure. */
export function rangeBody(a: RangeAsk): string {
  return JSON.stringify({
    key: b64(a.key),
    ...(a.rangeEnd ? { range_end: b64(a.rangeEnd) } : {}),
    ...(a.limit ? { limit: String(a.limit) } : {}),
    ...(a.countOnly ? { count_only: true } : {}),
  });
}

export interface RangeAnswer {
  kvs: EtcdKv[];
  more: boolean;
  count: number;
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

function bytesOf(field: string, v: unknown): Buffer {
  if (typeof v !== "string" || v.length % 4 !== 0 || !B64.test(v)) throw new Error(`gateway JSON: ${field} is not standard base64: ${JSON.stringify(v)?.slice(0, 80)}`);
  return Buffer.from(v, "base64");
}

/** An int64 field: protojson writes a string, absent for zero. */
function int64(field: string, v: unknown): number {
  if (v === undefined) return 0;
  const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : typeof v === "number" ? v : NaN;
  if (!Number.isSafeInteger(n)) throw new Error(`gateway JSON: ${field} is not an int64: ${JSON.stringify(v)}`);
  return n;
}

/** Parses a RangeResponse the gateway printed; throws naming what is wrong (never quoting a value). Pure. */
export function parseRangeJson(text: string): RangeAnswer {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new Error(`gateway JSON: not JSON (${text.length} bytes)`, { cause: err });
  }
  if (typeof doc !== "object" || doc === null || !("header" in doc)) throw new Error(`gateway JSON: not a RangeResponse (no header); fields: ${Object.keys(doc ?? {}).join(", ") || "none"}`);
  const d = doc as { kvs?: unknown; more?: unknown; count?: unknown };
  if (d.kvs !== undefined && !Array.isArray(d.kvs)) throw new Error("gateway JSON: kvs is not an array");
  const kvs = ((d.kvs ?? []) as Record<string, unknown>[]).map((raw, i) => ({
    key: bytesOf(`kvs[${i}].key`, raw.key).toString("utf8"),
    // a present key with an empty value has no "value" field: it is zero bytes
    value: raw.value === undefined ? Buffer.alloc(0) : bytesOf(`kvs[${i}].value`, raw.value),
    createRevision: int64(`kvs[${i}].create_revision`, raw.create_revision),
    modRevision: int64(`kvs[${i}].mod_revision`, raw.mod_revision),
    version: int64(`kvs[${i}].version`, raw.version),
  }));
  return { kvs, more: d.more === true, count: int64("count", d.count) };
}

/** The gateway's error body ({"error","code","message"}), in words. Pure. */
export function gatewayError(status: number, text: string): string {
  try {
    const e = JSON.parse(text) as { message?: unknown; error?: unknown; code?: unknown };
    const msg = typeof e.message === "string" ? e.message : typeof e.error === "string" ? e.error : undefined;
    if (msg !== undefined) return `HTTP ${status}: ${msg}${typeof e.code === "number" ? ` (gRPC code ${e.code})` : ""}`;
  } catch {
    // not JSON: the first line of the body says what
  }
  return `HTTP ${status}: ${text.split("\n")[0]?.slice(0, 200) ?? ""}`;
}

/** Read-only raw access to etcd over the gateway, with the shape of EtcdProbe's reads. */
export class GatewayReader {
  constructor(
    readonly post: GatewayPost,
    readonly describe: string,
  ) {}

  async range(a: RangeAsk): Promise<RangeAnswer> {
    const r = await this.post(RANGE_PATH, rangeBody(a));
    const what = `POST ${RANGE_PATH} to ${this.describe}`;
    if (r.status !== 200) throw new Error(`${what}: ${gatewayError(r.status, r.text)}`);
    try {
      return parseRangeJson(r.text);
    } catch (err) {
      throw new Error(`${what}: ${(err as Error).message}`, { cause: err });
    }
  }

  /** The raw value at `key`, or undefined when the key does not exist. */
  async get(key: string): Promise<EtcdKv | undefined> {
    return (await this.range({ key })).kvs[0];
  }

  /** How many keys are under `prefix` (count_only: no value is sent). */
  async count(prefix: string): Promise<number> {
    return (await this.range({ key: prefix, rangeEnd: prefixEnd(prefix), countOnly: true })).count;
  }

  /** Every key and raw value under `prefix`, PAGE_SIZE keys a request, each page starting after the last key read. */
  async values(prefix: string, pageSize = PAGE_SIZE): Promise<EtcdKv[]> {
    const out: EtcdKv[] = [];
    const end = prefixEnd(prefix);
    let from: Buffer = Buffer.from(prefix, "utf8");
    for (;;) {
      const page = await this.range({ key: from, rangeEnd: end, limit: pageSize });
      out.push(...page.kvs);
      const last = page.kvs.at(-1);
      if (!page.more || !last) return out;
      from = Buffer.concat([Buffer.from(last.key, "utf8"), Buffer.from([0])]);
    }
  }
}
