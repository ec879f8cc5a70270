import { CONDITION_TOKEN } from "./rules-file.ts";

/**
 * The event types a Falco condition can be true for, computed the way the
 * pinned libs do it (falcosecurity/libs 0.25.4 userspace/libsinsp/filter/
 * ppm_codes.cpp:29-56): `and` intersects, `or` unites, a check on `evt.type`
 * (=, ==, !=, in) names a set, every other check is neutral (all types), and
 * `not` is pushed down to the leaves by De Morgan's laws, inverting only the
 * checks that name types (ppm_codes.cpp:81-92). Macros are expanded in place.
 * Sets are kept as "only these" or "all but these", so nothing needs the full
 * list of event names.
 */
export type EventTypes = { only: ReadonlySet<string> } | { except: ReadonlySet<string> };

export const ALL_TYPES: EventTypes = { except: new Set() };

const only = (names: Iterable<string>): EventTypes => ({ only: new Set(names) });
const minus = (a: ReadonlySet<string>, b: ReadonlySet<string>) => [...a].filter((x) => !b.has(x));

export function intersect(a: EventTypes, b: EventTypes): EventTypes {
  if ("only" in a) return only("only" in b ? [...a.only].filter((x) => b.only.has(x)) : minus(a.only, b.except));
  if ("only" in b) return intersect(b, a);
  return { except: new Set([...a.except, ...b.except]) };
}

export function unite(a: EventTypes, b: EventTypes): EventTypes {
  return invert(intersect(invert(a), invert(b)));
}

export function invert(a: EventTypes): EventTypes {
  return "only" in a ? { except: a.only } : { only: a.except };
}

export function isEmpty(a: EventTypes): boolean {
  return "only" in a && a.only.size === 0;
}

/** "execve, execveat", or "all event types" / "all event types but x". */
export function describeTypes(a: EventTypes): string {
  if ("only" in a) return [...a.only].sort().join(", ") || "no event type";
  return a.except.size ? `all event types but ${[...a.except].sort().join(", ")}` : "all event types";
}

/**
 * An upstream macro that tests evt.type, summarised: its types, and whether
 * its condition is nothing but that test (then `not macro` is the complement;
 * otherwise the other, neutral checks make `not macro` all types).
 */
export interface TypedMacro {
  evttypes: string[];
  onlyEvttype?: boolean;
}

export interface TypeScope {
  /** Conditions of macros defined in the same load (our own file). */
  macros: ReadonlyMap<string, string>;
  /** Upstream macros that test evt.type; any other name is neutral. */
  typed: Readonly<Record<string, TypedMacro>>;
}

type Node =
  | { k: "and" | "or"; c: Node[] }
  | { k: "not"; c: Node }
  | { k: "types"; names: string[]; negated: boolean }
  | { k: "macro"; name: string }
  | { k: "neutral" };

const BINARY = new Set(["=", "==", "!=", "<", "<=", ">", ">=", "contains", "icontains", "bcontains", "startswith", "bstartswith",
  "endswith", "glob", "iglob", "regex", "in", "intersects", "pmatch"]);
const TYPE_OPS = new Set(["=", "==", "!=", "in"]);

class Parser {
  #i = 0;
  constructor(readonly t: string[], readonly text: string) {}
  fail(what: string): never {
    throw new Error(`cannot read the Falco condition ${JSON.stringify(this.text)}: ${what} at token ${this.#i} (${JSON.stringify(this.t[this.#i] ?? "end")})`);
  }
  peek = () => this.t[this.#i];
  next = () => this.t[this.#i++] ?? this.fail("unexpected end");
  accept(token: string): boolean {
    if (this.peek() !== token) return false;
    this.#i++;
    return true;
  }
  expr(): Node {
    const c = [this.and()];
    while (this.accept("or")) c.push(this.and());
    return c.length === 1 ? (c[0] as Node) : { k: "or", c };
  }
  and(): Node {
    const c = [this.unary()];
    while (this.accept("and")) c.push(this.unary());
    return c.length === 1 ? (c[0] as Node) : { k: "and", c };
  }
  unary(): Node {
    if (this.accept("not")) return { k: "not", c: this.unary() };
    if (this.accept("(")) {
      const e = this.expr();
      if (!this.accept(")")) this.fail("missing )");
      return e;
    }
    return this.check();
  }
  check(): Node {
    const left = this.next();
    if (!left.includes(".")) return { k: "macro", name: left };
    const op = this.peek();
    if (this.accept("exists")) return { k: "neutral" }; // `evt.type exists` too: it names no type
    if (!op || !BINARY.has(op)) this.fail(`operator expected after ${left}`);
    this.next();
    const values = this.peek() === "(" ? this.list() : [this.next()];
    if (left !== "evt.type" || !TYPE_OPS.has(op)) return { k: "neutral" };
    return { k: "types", names: values.map((v) => v.replace(/^(["'])(.*)\1$/, "$2")), negated: op === "!=" };
  }
  list(): string[] {
    this.next();
    const out: string[] = [];
    for (let t = this.next(); t !== ")"; t = this.next()) if (t !== ",") out.push(t);
    return out;
  }
  done(): Node {
    const e = this.expr();
    if (this.#i < this.t.length) this.fail("trailing input");
    return e;
  }
}

export function parseCondition(condition: string): Node {
  return new Parser(condition.match(CONDITION_TOKEN) ?? [], condition).done();
}

function evaluate(n: Node, neg: boolean, scope: TypeScope, seen: readonly string[]): EventTypes {
  switch (n.k) {
    case "and":
    case "or": {
      const join = (n.k === "and") !== neg ? intersect : unite;
      return n.c.map((c) => evaluate(c, neg, scope, seen)).reduce(join);
    }
    case "not":
      return evaluate(n.c, !neg, scope, seen);
    case "types":
      return n.negated !== neg ? invert(only(n.names)) : only(n.names);
    case "neutral":
      return ALL_TYPES;
    case "macro":
      return macroTypes(n.name, neg, scope, seen);
  }
}

function macroTypes(name: string, neg: boolean, scope: TypeScope, seen: readonly string[]): EventTypes {
  const own = scope.macros.get(name);
  if (own !== undefined) {
    if (seen.includes(name)) throw new Error(`macro ${name} refers to itself (${[...seen, name].join(" -> ")})`);
    return evaluate(parseCondition(own), neg, scope, [...seen, name]);
  }
  const typed = scope.typed[name];
  if (!typed) return ALL_TYPES;
  if (!neg) return only(typed.evttypes);
  return typed.onlyEvttype ? invert(only(typed.evttypes)) : ALL_TYPES;
}

/** The event types `condition` can match, with our macros expanded and upstream typed macros summarised. */
export function conditionEventTypes(condition: string, scope: TypeScope): EventTypes {
  return evaluate(parseCondition(condition), false, scope, []);
}
