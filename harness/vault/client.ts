import nodeVault from "node-vault";
import { PermanentError } from "../core/errors.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";

/** The calls the harness makes to Vault's HTTP API (paths without `/v1/`). */
export interface VaultApi {
  readonly addr: string;
  read<T = unknown>(path: string): Promise<T>;
  /** Like read, but a 404 (nothing there) is undefined rather than an error. */
  readOptional<T = unknown>(path: string): Promise<T | undefined>;
  /** POST with a JSON body; resolves to the response body (undefined for 204). */
  write<T = unknown>(path: string, body: object): Promise<T>;
  /** LIST; a 404 (no entries) is an empty list. */
  list(path: string): Promise<string[]>;
}

export interface VaultHandle extends VaultApi {
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface ConnectVaultOptions {
  addr: string;
  token: string;
  /** Per-request timeout; default 30s. */
  timeoutMs?: number;
  redactor?: Redactor;
}

/** Statuses that waiting will not fix: bad request, bad token, no permission, wrong method. */
const PERMANENT = new Set([400, 401, 403, 405]);

/** What a failed node-vault call carries: ApiResponseError has `response` (its classes are not exported). */
interface FailedCall {
  message?: string;
  code?: string;
  response?: { statusCode?: number; body?: { errors?: unknown } };
}

function rawStatus(err: unknown): number | undefined {
  const s = (err as FailedCall | undefined)?.response?.statusCode;
  return typeof s === "number" ? s : undefined;
}

/** Vault's answer to a failed request, without anything the request carried. */
export class VaultResponseError extends Error {
  override readonly name = "VaultResponseError";
  constructor(
    message: string,
    /** HTTP status, undefined when no answer came (network, timeout). */
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

/** The HTTP status Vault answered a failed call with, from an error or its cause chain. */
export function vaultStatus(err: unknown): number | undefined {
  for (let e = err; e instanceof Error; e = e.cause) {
    if (e instanceof VaultResponseError) return e.status;
  }
  return rawStatus(err);
}

/**
 * Rewraps a failed call: the message names the operation, path, Vault and
 * what came back; the cause is a fresh error holding only that text, never
 * the client's own error (whose request config holds the JSON body, passwords
 * included). 400/401/403/405 are PermanentError.
 */
export function vaultError(op: string, path: string, addr: string, err: unknown, red: Redactor = defaultRedactor): Error {
  const e = (err ?? {}) as FailedCall;
  const status = rawStatus(err);
  const errors = e.response?.body?.errors;
  const said = Array.isArray(errors) && errors.length > 0 ? errors.map(String).join("; ") : (e.message ?? String(err));
  const what = status === undefined ? `failed${e.code ? ` (${e.code})` : ""}` : `returned ${status}`;
  const message = red.redact(`${op} /v1/${path} against ${addr} ${what}: ${said}`);
  const cause = new VaultResponseError(message, status);
  return status !== undefined && PERMANENT.has(status) ? new PermanentError(message, { cause }) : new Error(message, { cause });
}

/**
 * A Vault client with the token registered for redaction. node-vault's own
 * debug output (which prints request bodies) is switched off.
 */
export async function connectVault(opts: ConnectVaultOptions): Promise<VaultHandle> {
  const red = opts.redactor ?? defaultRedactor;
  red.register(opts.token, "vault token");
  const client = nodeVault({
    endpoint: opts.addr,
    token: opts.token,
    debug: () => undefined,
    // LIST is sent as GET ?list=1, which Vault accepts and every HTTP hop understands.
    noCustomHTTPVerbs: true,
    rpDefaults: { timeout: opts.timeoutMs ?? 30_000 },
  } as nodeVault.VaultOptions);
  let closed = false;
  const call = async <T>(op: string, path: string, fn: () => Promise<T>): Promise<T> => {
    if (closed) throw new Error(`Vault handle for ${opts.addr} is closed (${op} ${path})`);
    try {
      return await fn();
    } catch (err) {
      // 202 Accepted (e.g. a queued lease revocation) is a success node-vault rejects.
      if (rawStatus(err) === 202) return undefined as T;
      throw vaultError(op, path, opts.addr, err, red);
    }
  };
  const api: VaultHandle = {
    addr: opts.addr,
    read: (path) => call("GET", path, () => client.read(path)),
    async readOptional(path) {
      try {
        return await api.read(path);
      } catch (err) {
        if (vaultStatus(err) === 404) return undefined;
        throw err;
      }
    },
    write: (path, body) => call("POST", path, () => client.write(path, body)),
    async list(path) {
      try {
        const r = await call("LIST", path, () => client.list(path));
        const keys = (r as { data?: { keys?: unknown } } | undefined)?.data?.keys;
        return Array.isArray(keys) ? keys.map(String) : [];
      } catch (err) {
        if (vaultStatus(err) === 404) return [];
        throw err;
      }
    },
    async close() {
      closed = true;
    },
    [Symbol.asyncDispose]: () => api.close(),
  };
  await api.read("auth/token/lookup-self");
  return api;
}
