import { CONDITION_TOKEN } from "../falco/rules-file.ts";

/**
 * Whether a Falco condition can hold for a process and file the catalogue
 * describes, in three values: true (holds for any event with these facts),
 * false (cannot hold), unknown (depends on fields not given, such as the
 * upstream macros open_read or container). Only the fields given are decided;
 * every other check, and every macro not in `macros`, is unknown.
 */
export type Tri = true | false | "unknown";
export type Facts = Readonly<Record<string, string | number>>;

const and3 = (xs: Tri[]): Tri => (xs.includes(false) ? false : xs.every((x) => x === true) ? true : "unknown");
const or3 = (xs: Tri[]): Tri => (xs.includes(true) ? true : xs.every((x) => x === false) ? false : "unknown");
const not3 = (x: Tri): Tri => (x === "unknown" ? x : !x);
const unquote = (t: string) => t.replace(/^(["'])(.*)\1$/, "$2");

/** Falco's glob: `*` and `?` across `/` too (fnmatch without FNM_PATHNAME). */
function glob(pattern: string, s: string): boolean {
  const re = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${re}$`).test(s);
}

function compare(op: string, have: string, values: string[]): Tri {
  const v = values[0] ?? "";
  switch (op) {
    case "=":
    case "==":
      return have === v;
    case "!=":
      return have !== v;
    case "in":
      return values.includes(have);
    case "startswith":
      return have.startsWith(v);
    case "endswith":
      return have.endsWith(v);
    case "contains":
      return have.includes(v);
    case "glob":
      return glob(v, have);
    default:
      return "unknown";
  }
}

class Reader {
  #i = 0;
  constructor(readonly t: string[], readonly facts: Facts, readonly macros: ReadonlyMap<string, string>, readonly seen: readonly string[]) {}
  next = () => this.t[this.#i++] ?? "";
  accept(tok: string): boolean {
    if (this.t[this.#i] !== tok) return false;
    this.#i++;
    return true;
  }
  expr(): Tri {
    const xs = [this.and()];
    while (this.accept("or")) xs.push(this.and());
    return or3(xs);
  }
  and(): Tri {
    const xs = [this.unary()];
    while (this.accept("and")) xs.push(this.unary());
    return and3(xs);
  }
  unary(): Tri {
    if (this.accept("not")) return not3(this.unary());
    if (this.accept("(")) {
      const x = this.expr();
      this.accept(")");
      return x;
    }
    return this.check();
  }
  check(): Tri {
    const left = this.next();
    if (!left.includes(".")) return this.macro(left);
    if (this.accept("exists")) return left in this.facts ? true : "unknown";
    const op = this.next();
    const values: string[] = [];
    if (!this.accept("(")) values.push(unquote(this.next()));
    else for (let t = this.next(); t !== ")" && t !== ""; t = this.next()) if (t !== ",") values.push(unquote(t));
    const have = this.facts[left];
    return have === undefined ? "unknown" : compare(op, String(have), values);
  }
  macro(name: string): Tri {
    const body = this.macros.get(name);
    if (body === undefined || this.seen.includes(name)) return "unknown";
    return conditionHolds(body, this.facts, this.macros, [...this.seen, name]);
  }
}

export function conditionHolds(condition: string, facts: Facts, macros: ReadonlyMap<string, string>, seen: readonly string[] = []): Tri {
  return new Reader(condition.match(CONDITION_TOKEN) ?? [], facts, macros, seen).expr();
}
