/**
 * Vault's username templates (Go text/template with the functions of
 * hashicorp/vault sdk/helper/template/template.go:99-115) turned into a
 * regular expression over the role names Vault can issue for one role. The
 * database engine fills `.RoleName` with the role's name and `.DisplayName`
 * with the requesting token's display name (builtin/logical/database/
 * path_creds_create.go:140-144), which an audit cannot know, so it matches
 * anything of its length. Handled: text, `printf` with `%s`, `.RoleName`,
 * `.DisplayName`, `random N` (base62: go-secure-stdlib base62, [0-9A-Za-z]),
 * `unix_time`, `unix_time_millis`, `uuid`, `truncate N` (by bytes,
 * sdk/helper/template/funcs.go:29-37), `lowercase`, `uppercase`. Anything else
 * is named as unhandled. Checked at fidelity-contributions/hashicorp-vault@c6c940dde7e0. Pure.
 */

/** The postgres plugin's template when the connection sets none: plugins/database/postgresql/postgresql.go:40, used at :154-156. */
export const POSTGRES_DEFAULT_TEMPLATE = '{{ printf "v-%s-%s-%s-%s" (.DisplayName | truncate 8) (.RoleName | truncate 8) (random 20) (unix_time) | truncate 63 }}';
export const POSTGRES_PLUGIN = "postgresql-database-plugin";

type Seg = { lit: string } | { cls: string; min: number; max: number };
type Pat = Seg[];

class Unhandled extends Error {}

const BASE62 = "0-9A-Za-z";
const maxLen = (p: Pat) => p.reduce((n, s) => n + ("lit" in s ? Buffer.byteLength(s.lit) : s.max), 0);
const hex = (n: number): Seg => ({ cls: "0-9a-f", min: n, max: n });

function truncate(n: number, p: Pat): Pat {
  if (maxLen(p) <= n) return p;
  if (p.every((s) => "lit" in s)) return [{ lit: Buffer.from(p.map((s) => (s as { lit: string }).lit).join("")).subarray(0, n).toString() }];
  if (p.length === 1 && "cls" in p[0]!) return [{ ...p[0], min: Math.min(p[0].min, n), max: n }];
  throw new Unhandled(`truncate ${n} of a value that can be longer than ${n} bytes`);
}

/** The character classes the handled functions give, and what lowercase / uppercase make of them. */
const RECASED: Record<string, [lower: string, upper: string]> = {
  [BASE62]: ["0-9a-z", "0-9A-Z"],
  "0-9a-f": ["0-9a-f", "0-9A-F"],
};

function recase(p: Pat, up: boolean): Pat {
  return p.map((s) => {
    if ("lit" in s) return { lit: up ? s.lit.toUpperCase() : s.lit.toLowerCase() };
    const to = RECASED[s.cls];
    return to ? { ...s, cls: to[up ? 1 : 0] } : s;
  });
}

function printf(format: string, args: Pat[]): Pat {
  const out: Pat = [];
  const parts = format.split(/(%[^%]?|%%)/);
  let i = 0;
  for (const part of parts) {
    if (part === "%%") out.push({ lit: "%" });
    else if (part === "%s") {
      const a = args[i++];
      if (!a) throw new Unhandled(`printf ${JSON.stringify(format)} has more %s than arguments`);
      out.push(...a);
    } else if (part.startsWith("%")) throw new Unhandled(`printf verb ${part}`);
    else if (part) out.push({ lit: part });
  }
  return out;
}

/** A Go string literal's body; escapes JSON does not share (\x, octal) are unhandled. */
function goString(body: string): string {
  try {
    return JSON.parse(`"${body}"`) as string;
  } catch {
    throw new Unhandled(`the string literal "${body}"`);
  }
}

type Tok = { s: string } | { n: number } | { id: string } | { p: "(" | ")" | "|" };

function tokens(action: string): Tok[] {
  const out: Tok[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|(\d+)|([.A-Za-z_][\w.]*)|([()|]))/y;
  let m: RegExpExecArray | null;
  let at = 0;
  while (at < action.trimEnd().length && (m = re.exec(action)) !== null) {
    at = re.lastIndex;
    if (m[1] !== undefined) out.push({ s: goString(m[1]) });
    else if (m[2] !== undefined) out.push({ n: Number(m[2]) });
    else if (m[3] !== undefined) out.push({ id: m[3] });
    else out.push({ p: m[4] as "(" | ")" | "|" });
  }
  if (at < action.trimEnd().length) throw new Unhandled(`the action {{${action}}} from ${JSON.stringify(action.slice(at, at + 12))}`);
  return out;
}

type Arg = Pat | number | string | { fn: string };

const punct = (tok: Tok | undefined, c: "(" | ")" | "|"): boolean => tok !== undefined && "p" in tok && tok.p === c;

/** Evaluates tokens as a pipeline into a pattern; `pos` advances past what it read. */
function pipeline(t: Tok[], pos: { i: number }, role: string): Pat {
  let value: Pat | undefined;
  for (;;) {
    const args: Arg[] = [];
    while (pos.i < t.length && !punct(t[pos.i], "|") && !punct(t[pos.i], ")")) args.push(operand(t, pos, role));
    const [head, ...rest] = args;
    if (head === undefined) throw new Unhandled("an empty command");
    value = typeof head === "object" && "fn" in head ? call(head.fn, value ? [...rest, value] : rest) : pat(head);
    if (punct(t[pos.i], "|")) pos.i++;
    else return value;
  }
}

function operand(t: Tok[], pos: { i: number }, role: string): Arg {
  const tok = t[pos.i++]!;
  if ("s" in tok) return tok.s;
  if ("n" in tok) return tok.n;
  if ("p" in tok) {
    const inner = pipeline(t, pos, role);
    if (!punct(t[pos.i], ")")) throw new Unhandled("an unclosed (");
    pos.i++;
    return inner;
  }
  if (tok.id === ".RoleName") return [{ lit: role }];
  if (tok.id === ".DisplayName") return [{ cls: "any", min: 0, max: Infinity }];
  if (tok.id.startsWith(".")) throw new Unhandled(`the field ${tok.id}`);
  return { fn: tok.id };
}

/** An argument as a pattern: a string or number is its text, a bare function name is a call without arguments. */
function pat(a: Arg | undefined): Pat {
  if (Array.isArray(a)) return a;
  if (typeof a === "object") return call(a.fn, []);
  return [{ lit: String(a) }];
}

function call(fn: string, args: Arg[]): Pat {
  const num = (a: Arg | undefined) => {
    if (typeof a !== "number") throw new Unhandled(`${fn} without a number`);
    return a;
  };
  switch (fn) {
    case "printf":
      if (typeof args[0] !== "string") throw new Unhandled("printf without a format string");
      return printf(args[0], args.slice(1).map(pat));
    case "truncate":
      return truncate(num(args[0]), pat(args[1]));
    case "random":
      return [{ cls: BASE62, min: num(args[0]), max: num(args[0]) }];
    case "unix_time":
      return [{ cls: "0-9", min: 1, max: 10 }];
    case "unix_time_millis":
      return [{ cls: "0-9", min: 1, max: 13 }];
    case "uuid":
      return [hex(8), { lit: "-" }, hex(4), { lit: "-" }, hex(4), { lit: "-" }, hex(4), { lit: "-" }, hex(12)];
    case "lowercase":
    case "uppercase":
      return recase(pat(args[0]), fn === "uppercase");
    default:
      throw new Unhandled(`the function ${fn}`);
  }
}

const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
const quant = (min: number, max: number) => (max === Infinity ? `{${min},}` : min === max ? `{${min}}` : `{${min},${max}}`);

function source(p: Pat): string {
  return p.map((s) => ("lit" in s ? esc(s.lit) : `${s.cls === "any" ? "[\\s\\S]" : `[${s.cls}]`}${quant(s.min, s.max)}`)).join("");
}

export type TemplateMatch = { pattern: string } | { unhandled: string };

/** The anchored pattern (RegExp source) of the names `template` gives for role `role`, or what in it is not handled. Pure. */
export function templateMatcher(template: string, role: string): TemplateMatch {
  try {
    const out: Pat = [];
    const parts = template.split(/(\{\{-?[\s\S]*?-?\}\})/);
    for (const [i, part] of parts.entries()) {
      const m = /^\{\{(-?)([\s\S]*?)(-?)\}\}$/.exec(part);
      if (!m) {
        // "-}}" trims the whitespace after an action, "{{-" the whitespace before one
        const trimStart = /-\}\}$/.test(parts[i - 1] ?? "");
        const trimEnd = /^\{\{-/.test(parts[i + 1] ?? "");
        const text = trimEnd ? part.trimEnd() : part;
        if (trimStart ? text.trimStart() : text) out.push({ lit: trimStart ? text.trimStart() : text });
        continue;
      }
      const t = tokens(m[2]!.trim());
      const pos = { i: 0 };
      out.push(...pipeline(t, pos, role));
      if (pos.i !== t.length) throw new Unhandled(`the action {{${m[2]}}}`);
    }
    return { pattern: `^${source(out)}$` };
  } catch (err) {
    if (err instanceof Unhandled) return { unhandled: err.message };
    throw err;
  }
}
