/**
 * Readers that print a credential file in another form: base64, od's hex
 * bytes, a tar archive (what `kubectl cp` runs in the pod). The runner decodes
 * their stdout to the credential so it is registered with the redaction layer
 * in both forms before anything is recorded, and the judges can tell a leak.
 */
export const DECODINGS = ["base64", "hex", "tar"] as const;
export type Decoding = (typeof DECODINGS)[number];

const BLOCK = 512;

function fromBase64(text: string): string | undefined {
  const compact = text.replace(/\s+/g, "");
  if (!compact || !/^[A-Za-z0-9+/]+={0,2}$/.test(compact)) return undefined;
  return Buffer.from(compact, "base64").toString("utf8");
}

/** `od -An -v -tx1`: whitespace-separated two-digit hex bytes. */
function fromHex(text: string): string | undefined {
  const bytes = text.trim().split(/\s+/).filter(Boolean);
  if (!bytes.length || !bytes.every((b) => /^[0-9a-f]{2}$/i.test(b))) return undefined;
  return Buffer.from(bytes.join(""), "hex").toString("utf8");
}

function field(buf: Buffer, start: number, len: number): string {
  const raw = buf.subarray(start, start + len);
  const nul = raw.indexOf(0);
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString("utf8");
}

/** The content of the regular-file member named `name` (its last path segment) in a ustar/GNU archive. */
function fromTar(text: string, name: string): string | undefined {
  const buf = Buffer.from(text, "utf8");
  for (let off = 0; off + BLOCK <= buf.length; ) {
    const header = buf.subarray(off, off + BLOCK);
    if (header.every((b) => b === 0)) return undefined;
    const size = parseInt(field(header, 124, 12).trim() || "0", 8);
    if (!Number.isFinite(size)) return undefined;
    const prefix = field(header, 345, 155);
    const path = prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100);
    const type = String.fromCharCode(header[156] ?? 0);
    const data = off + BLOCK;
    if ((type === "0" || type === "\0") && path.split("/").pop() === name) return buf.subarray(data, data + size).toString("utf8");
    off = data + Math.ceil(size / BLOCK) * BLOCK;
  }
  return undefined;
}

/** The credential the output carries, trimmed, or undefined when the output is not in that form. */
export function decodeCredential(kind: Decoding, stdout: string, target: string): string | undefined {
  const name = target.split("/").pop() ?? target;
  const value = kind === "base64" ? fromBase64(stdout) : kind === "hex" ? fromHex(stdout) : fromTar(stdout, name);
  return value?.trim() || undefined;
}
