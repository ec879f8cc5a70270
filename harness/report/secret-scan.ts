import { redactionMarker, secretSpellings } from "../evidence/redact.ts";

/**
 * The last line of defence behind the redaction layer: shapes that are a
 * live credential wherever they appear. A bundle holding one fails `verify`.
 * Redaction markers (`<redacted sha256:… len:N>`) never match.
 */
export interface SecretShape {
  kind: string;
  pattern: RegExp;
  /** Rejects a match that is a placeholder, not a value. */
  accept?: (m: RegExpExecArray) => boolean;
}

const NOT_TOKEN_CHAR = "(?<![A-Za-z0-9_.-])";
const mixedCase = (s: string) => /[a-z]/.test(s) && /[A-Z]/.test(s);
/** `{{password}}`, `$PGPASSWORD`, `$(cat …)`, `****`, `<...>`, `%s`: templates, expansions and masks, not values. */
const placeholder = (v: string) => /^(\{\{.*\}\}|\$.*|\*+|<.*|%.*)$/.test(v);

function urlDecoded(v: string): string {
  try {
    return decodeURIComponent(v);
  } catch {
    return v;
  }
}

export const SECRET_SHAPES: readonly SecretShape[] = [
  {
    // hashicorp/vault sdk/helper/consts/token_consts.go: hvs. hvb. hvr.; vault/token_store.go:
    // TokenLength = 24 base62, or a base64url (RawURLEncoding) body for server-side consistent
    // service tokens and for batch tokens; `.<nsid>` suffix outside the root namespace.
    kind: "Vault token (hvs./hvb./hvr.)",
    pattern: new RegExp(`${NOT_TOKEN_CHAR}hv[sbr]\\.[A-Za-z0-9_-]{24,}(?:\\.[A-Za-z0-9]{1,5})?`, "g"),
  },
  {
    // Legacy (pre-1.10) service and recovery tokens: s. / r. and exactly 24 base62 characters.
    kind: "Vault token, legacy format (s./r.)",
    pattern: new RegExp(`${NOT_TOKEN_CHAR}[sr]\\.([A-Za-z0-9]{24})(?:\\.[A-Za-z0-9]{1,5})?(?![A-Za-z0-9_-])`, "g"),
    accept: (m) => mixedCase(m[1] ?? ""),
  },
  {
    // Legacy batch tokens: b. and a base64url-encoded encrypted token entry.
    kind: "Vault batch token, legacy format (b.)",
    pattern: new RegExp(`${NOT_TOKEN_CHAR}b\\.([A-Za-z0-9_-]{60,})`, "g"),
    accept: (m) => mixedCase(m[1] ?? ""),
  },
  {
    // A PEM private key with its body (a header whose body was redacted is no leak).
    kind: "PEM private key",
    pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----(?:\r?\n|(?:\\r)?\\n)(?:[A-Za-z-]+: [^\n\\]*(?:\r?\n|(?:\\r)?\\n))*(?:\r?\n|(?:\\r)?\\n)?[A-Za-z0-9+/]{40}/g,
  },
  {
    // A signed JWT, e.g. a Kubernetes service account token: a bearer credential Vault's
    // kubernetes auth accepts.
    kind: "signed JWT (e.g. a service account token)",
    pattern: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/g,
  },
  {
    // scheme://user:password@host, e.g. a PostgreSQL connection URL with the live password.
    kind: "password in a URL",
    pattern: /\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@"'<>]+:([^\s@/"'<>]+)@[^\s"'<>]/gi,
    accept: (m) => !placeholder(urlDecoded(m[1] ?? "")),
  },
  {
    // libpq keyword/value (`password=…`) or an environment assignment (`PGPASSWORD=…`).
    kind: "password assignment (password=/PGPASSWORD=)",
    pattern: /\b(?:PG)?PASSWORD=([^\s"'&;,)]+)/gi,
    accept: (m) => !placeholder(m[1] ?? ""),
  },
  {
    // A SQL password literal, as Postgres logs a failed CREATE/ALTER ROLE (log_min_error_statement)
    // with a password only Vault knew, so the redaction layer could not have registered it.
    kind: "password literal in SQL (PASSWORD '…')",
    pattern: /\bPASSWORD\s+'((?:[^'\\\n]|'')+)'/gi,
    accept: (m) => !placeholder(m[1] ?? ""),
  },
];

export interface SecretFinding {
  path: string;
  line: number;
  kind: string;
  /** The match, shown as a redaction marker: never the value itself. */
  marker: string;
}

function lineAt(text: string, index: number): number {
  let n = 1;
  for (let i = text.indexOf("\n"); i !== -1 && i < index; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

interface Match {
  finding: SecretFinding;
  start: number;
  end: number;
}

function scanText(text: string, path: string, suffix = "", lineOf = (i: number) => lineAt(text, i)): Match[] {
  const out: Match[] = [];
  for (const shape of SECRET_SHAPES) {
    for (const m of text.matchAll(shape.pattern)) {
      if (shape.accept && !shape.accept(m as RegExpExecArray)) continue;
      const start = m.index ?? 0;
      const finding = { path, line: lineOf(start), kind: shape.kind + suffix, marker: redactionMarker(m[0]) };
      out.push({ finding, start, end: start + m[0].length });
    }
  }
  return out;
}

/** Base64 runs long enough to hold a token; etcd values and Secret data are base64 in evidence. */
const BASE64_RUN = /[A-Za-z0-9+/]{32,}={0,2}/g;

/**
 * Finds live-secret shapes in a file, and inside base64 runs one level deep
 * (a run that is part of a match already found, like the body of a
 * server-side consistent token, is not decoded again).
 */
export function scanForSecrets(path: string, data: Buffer): SecretFinding[] {
  const text = data.toString("latin1");
  const direct = scanText(text, path);
  const findings = direct.map((m) => m.finding);
  for (const run of text.matchAll(BASE64_RUN)) {
    const start = run.index ?? 0;
    const end = start + run[0].length;
    if (direct.some((m) => m.start < end && start < m.end)) continue;
    const decoded = Buffer.from(run[0], "base64").toString("latin1");
    const line = lineAt(text, start);
    findings.push(...scanText(decoded, path, " (base64-encoded)", () => line).map((m) => m.finding));
  }
  return findings.sort((a, b) => a.line - b.line);
}

export function formatFinding(f: SecretFinding): string {
  return `${f.path}:${f.line}: ${f.kind}: ${f.marker}`;
}

/** A live secret the auditor holds (e.g. the etcd encryption key), to look for by value. */
export interface KnownSecret {
  label: string;
  value: Buffer;
}

/**
 * Where a known secret appears in a file: its raw bytes, or any spelling the
 * redaction layer knows (JSON, URL, hex, base64 at any alignment). Shapes
 * cannot tell a random key from other random bytes; its value can.
 */
export function scanForKnown(path: string, data: Buffer, secrets: readonly KnownSecret[]): SecretFinding[] {
  const text = data.toString("latin1");
  const out: SecretFinding[] = [];
  for (const s of secrets) {
    const spellings = [s.value.toString("latin1"), ...secretSpellings(s.value).map((p) => Buffer.from(p, "utf8").toString("latin1"))];
    const index = spellings.map((p) => text.indexOf(p)).filter((i) => i >= 0).sort((a, b) => a - b)[0];
    if (index !== undefined) out.push({ path, line: lineAt(text, index), kind: `known secret (${s.label})`, marker: redactionMarker(s.value) });
  }
  return out;
}
