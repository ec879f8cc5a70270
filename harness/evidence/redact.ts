import { createHash } from "node:crypto";

/** How a live secret is shown wherever it would have appeared. */
export function redactionMarker(secret: string | Buffer): string {
  const bytes = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret;
  const digest = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  return `<redacted sha256:${digest} len:${bytes.length}>`;
}

/** Shortest secret the layer accepts: shorter ones would redact ordinary text. */
export const MIN_SECRET_LENGTH = 6;

interface Entry {
  label: string;
  marker: string;
  patterns: string[];
  /** The secret's own bytes, as latin1, for binary data. */
  binary: string;
}

/**
 * The spellings a secret can take in text we write: raw, JSON-escaped,
 * URL-encoded, hex, and base64/base64url at each of the three alignments it
 * can have inside a longer base64 blob.
 */
export function secretSpellings(secret: Buffer): string[] {
  const out = new Set<string>();
  const utf8 = secret.toString("utf8");
  if (Buffer.from(utf8, "utf8").equals(secret)) {
    out.add(utf8);
    out.add(JSON.stringify(utf8).slice(1, -1));
    out.add(JSON.stringify(JSON.stringify(utf8).slice(1, -1)).slice(1, -1));
    out.add(encodeURIComponent(utf8));
  }
  out.add(secret.toString("hex"));
  out.add(secret.toString("hex").toUpperCase());
  for (const b64 of base64Cores(secret)) {
    out.add(b64);
    out.add(b64.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return [...out].filter((s) => s.length >= 4);
}

/**
 * For offsets 0, 1 and 2 inside a larger buffer, the base64 characters that
 * depend only on the secret's bytes. Any base64 text holding the secret holds
 * one of these.
 */
function base64Cores(secret: Buffer): string[] {
  const cores: string[] = [];
  for (let pad = 0; pad < 3; pad++) {
    const padded = Buffer.concat([Buffer.alloc(pad), secret]);
    const enc = padded.toString("base64").replace(/=+$/, "");
    const lead = pad === 0 ? 0 : Math.ceil((pad * 8) / 6);
    const usableBits = (pad + secret.length) * 8;
    const tailChars = usableBits % 6 === 0 ? 0 : 1;
    const core = enc.slice(lead, enc.length - tailChars);
    if (core.length >= Math.max(4, Math.floor((secret.length * 4) / 3) - 2)) cores.push(core);
  }
  return cores;
}

/**
 * The one place live secrets are registered. Everything that writes a log
 * line, artifact or report passes its bytes through `redact` first.
 */
export class Redactor {
  #entries: Entry[] = [];

  /** Registers a live secret; returns the marker that will stand in for it. */
  register(secret: string | Buffer, label: string): string {
    const bytes = typeof secret === "string" ? Buffer.from(secret, "utf8") : secret;
    if (bytes.length < MIN_SECRET_LENGTH) {
      throw new Error(`refusing to register ${label}: ${bytes.length} bytes is too short to redact safely`);
    }
    const marker = redactionMarker(bytes);
    if (this.#entries.some((e) => e.marker === marker)) return marker;
    const patterns = secretSpellings(bytes).sort((a, b) => b.length - a.length);
    this.#entries.push({ label, marker, patterns, binary: bytes.toString("latin1") });
    return marker;
  }

  /** Labels of the registered secrets (never their values). */
  labels(): string[] {
    return this.#entries.map((e) => e.label);
  }

  redact(text: string): string {
    let out = text;
    for (const e of this.#entries) {
      for (const p of e.patterns) {
        if (out.includes(p)) out = out.split(p).join(e.marker);
      }
    }
    return out;
  }

  /** Redacts bytes; binary content is handled through its latin1 view so no byte is lost. */
  redactBytes(data: Buffer): Buffer {
    if (this.#entries.length === 0) return data;
    const asUtf8 = data.toString("utf8");
    if (Buffer.from(asUtf8, "utf8").equals(data)) return Buffer.from(this.redact(asUtf8), "utf8");
    let latin1 = data.toString("latin1");
    for (const e of this.#entries) {
      if (latin1.includes(e.binary)) latin1 = latin1.split(e.binary).join(e.marker);
      for (const p of e.patterns) {
        const pl = Buffer.from(p, "utf8").toString("latin1");
        if (latin1.includes(pl)) latin1 = latin1.split(pl).join(e.marker);
      }
    }
    return Buffer.from(latin1, "latin1");
  }

  /** True when `text` still holds any registered secret in any spelling. */
  leaks(text: string): boolean {
    return this.#entries.some((e) => e.patterns.some((p) => text.includes(p)));
  }
}

/** Scalar fields of an error that say what went wrong without carrying data (errno, SQLSTATE, HTTP status). */
const ERROR_CODES = ["code", "errno", "syscall", "status", "statusCode"] as const;

/**
 * A copy of an error that is safe to print: name, message and stack redacted,
 * its short codes kept, its cause chain copied the same way, and nothing else.
 * Test runners print every own property and cause of a failure (a client's
 * request config, a connection string, a JSON parser's quote of its input);
 * use this wherever a third-party error becomes a `cause`.
 */
export function redactError(err: unknown, red: Redactor, depth = 0): Error {
  const said = (err as { message?: unknown } | null | undefined)?.message;
  const src = err instanceof Error ? err : new Error(typeof said === "string" ? said : String(err));
  const cause = depth < 8 && src.cause !== undefined ? { cause: redactError(src.cause, red, depth + 1) } : undefined;
  const copy = new Error(red.redact(src.message), cause);
  copy.name = src.name;
  copy.stack = src.stack === undefined ? undefined : red.redact(src.stack);
  const fields = copy as unknown as Record<string, unknown>;
  for (const k of ERROR_CODES) {
    const v = (src as unknown as Record<string, unknown>)[k];
    if (typeof v === "number") fields[k] = v;
    else if (typeof v === "string" && v.length <= 40) fields[k] = red.redact(v);
  }
  return copy;
}

/** The process-wide layer the harness registers live secrets with. */
export const redactor = new Redactor();
