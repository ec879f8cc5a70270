import { readFile } from "node:fs/promises";
import { request } from "node:https";
import { boundConnect } from "../core/tcp-connect.ts";
import { redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import { type GatewayPost, GatewayReader, RANGE_PATH } from "./gateway.ts";

/** An etcd client: its client URLs and the files of a client certificate its --trusted-ca-file signed. */
export interface EtcdClientFiles {
  endpoints: string[];
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** A request's bounds: its connection's handshake, and the socket's idle time after it (the request's `timeout`). */
export interface GatewayTimeouts {
  connectMs: number;
  requestMs: number;
}

interface Pem {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

const REFUSED_CLIENT = /ALERT_(UNKNOWN_CA|BAD_CERTIFICATE|CERTIFICATE_UNKNOWN|CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE|ACCESS_DENIED)/;
const UNTRUSTED_SERVER = /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|DEPTH_ZERO_SELF_SIGNED_CERT|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_HAS_EXPIRED|CERT_NOT_YET_VALID)$/;

/** A failed TLS request in words: what the endpoint or this side refused, and which target field to fix. Pure. */
export function explainTlsError(err: NodeJS.ErrnoException, f: Pick<EtcdClientFiles, "caFile" | "certFile" | "keyFile">): string {
  const code = err.code ?? "";
  // OpenSSL's messages run over several lines (library, file, alert number): the first says what
  const said = `${code ? `${code}: ` : ""}${err.message.split("\n")[0] ?? ""}`;
  if (REFUSED_CLIENT.test(code) || REFUSED_CLIENT.test(err.message.toUpperCase().replace(/ /g, "_"))) {
    return `etcd refused the client certificate ${f.certFile} (${said}); give target.etcd.certFile and keyFile of a client certificate signed by a CA in etcd's --trusted-ca-file`;
  }
  if (UNTRUSTED_SERVER.test(code)) return `the endpoint's server certificate is not trusted by target.etcd.caFile ${f.caFile} (${said}); give the CA that signed etcd's server certificate`;
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return `the endpoint's server certificate does not name the host in its SANs (${said}); use an endpoint host the certificate names`;
  if (code === "ECONNRESET" || code === "EPIPE") return `the endpoint closed the TLS connection (${said}); etcd does this when it refuses the client certificate ${f.certFile}`;
  if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(said)) return `target.etcd.keyFile ${f.keyFile} is not the key of certFile ${f.certFile} (${said})`;
  return said;
}

/**
 * POSTs to one endpoint with the client certificate; only RANGE_PATH is sent,
 * anything else is refused before it leaves. The TCP connection is bounded by
 * `connectMs` (an unroutable endpoint fails in seconds, naming it), the
 * request by the socket's idle `requestMs`.
 */
export function tlsPost(endpoint: string, pem: Pem, f: EtcdClientFiles, { connectMs, requestMs: timeoutMs }: GatewayTimeouts): GatewayPost {
  return (path, body) => {
    if (path !== RANGE_PATH) return Promise.reject(new Error(`a read-only audit refused to send POST ${path} to etcd at ${endpoint}: only ${RANGE_PATH} is read`));
    const url = new URL(path, endpoint);
    return new Promise((resolve, reject) => {
      const req = request(url, { method: "POST", ...pem, timeout: timeoutMs, headers: { "content-type": "application/json" } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      });
      boundConnect(req, url.host, connectMs);
      req.on("timeout", () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" })));
      req.on("error", (err: NodeJS.ErrnoException) => reject(new Error(`POST ${url.href} failed: ${explainTlsError(err, f)}`, { cause: err })));
      req.end(body);
    });
  };
}

/** Tries each endpoint in turn until one answers; an HTTP answer is final, a failed connection moves on. */
function firstAnswering(posts: { endpoint: string; post: GatewayPost }[]): GatewayPost {
  return async (path, body) => {
    const errors: string[] = [];
    for (const { post } of posts) {
      try {
        return await post(path, body);
      } catch (err) {
        errors.push((err as Error).message);
      }
    }
    throw new Error(errors.join("; "));
  };
}

async function readPem(f: EtcdClientFiles): Promise<Pem> {
  const one = async (field: keyof Pem, path: string) => {
    try {
      return await readFile(path);
    } catch (err) {
      throw new Error(`target.etcd.${field}File: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`, { cause: err });
    }
  };
  return { ca: await one("ca", f.caFile), cert: await one("cert", f.certFile), key: await one("key", f.keyFile) };
}

/** A gateway reader over mutual TLS with the target's client files; the client key is registered with the redactor. */
export async function tlsGatewayReader(f: EtcdClientFiles, timeouts: GatewayTimeouts, red: Redactor = defaultRedactor): Promise<GatewayReader> {
  const pem = await readPem(f);
  red.register(pem.key.toString("utf8").trim(), `etcd client key ${f.keyFile}`);
  const posts = f.endpoints.map((endpoint) => ({ endpoint, post: tlsPost(endpoint, pem, f, timeouts) }));
  return new GatewayReader(firstAnswering(posts), `etcd gateway at ${f.endpoints.join(", ")}`);
}
