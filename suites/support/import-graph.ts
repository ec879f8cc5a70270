import { readFileSync, readdirSync } from "node:fs";
import { dirname, join, posix, relative } from "node:path";
import ts from "typescript";

/**
 * The repository's import graph, read with TypeScript's parser: one node per
 * file (repository-relative path), one edge per relative import, marked
 * type-only when the import vanishes at run time.
 */
export interface Edge {
  to: string;
  /** The bare specifier for a package or node: builtin, else undefined. */
  module?: string;
  typeOnly: boolean;
}
export type Graph = Map<string, Edge[]>;

function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isImportDeclaration(node)) {
    const c = node.importClause;
    if (!c) return false;
    if (c.isTypeOnly) return true;
    const named = c.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : undefined;
    return !c.name && named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly);
  }
  if (node.isTypeOnly) return true;
  const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
  return named !== undefined && named.length > 0 && named.every((e) => e.isTypeOnly);
}

/** The imports and re-exports of one file's source text. */
export function importsOf(file: string, text: string): Edge[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const out: Edge[] = [];
  for (const st of sf.statements) {
    if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || !st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = st.moduleSpecifier.text;
    const local = spec.startsWith(".");
    out.push({ to: local ? posix.normalize(posix.join(posix.dirname(file), spec)) : spec, module: local ? undefined : spec, typeOnly: typeOnly(st) });
  }
  return out;
}

/** Every .ts file under `dirs` of `root`, with its imports. */
export function readGraph(root: string, dirs: readonly string[]): Graph {
  const g: Graph = new Map();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".ts")) {
        const rel = relative(root, p).replaceAll("\\", "/");
        g.set(rel, importsOf(rel, readFileSync(p, "utf8")));
      }
    }
  };
  for (const d of dirs) walk(join(root, d));
  return g;
}

/** Strongly connected components with more than one member (Tarjan). */
export function cycles(nodes: Iterable<string>, next: (n: string) => Iterable<string>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of next(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1) found.push(scc.sort());
  };
  for (const n of nodes) if (!index.has(n)) visit(n);
  return found;
}

/** File cycles, type-only imports included. */
export function fileCycles(g: Graph): string[][] {
  return cycles(g.keys(), (n) => (g.get(n) ?? []).filter((e) => !e.module && g.has(e.to)).map((e) => e.to));
}

/**
 * Folder cycles, type-only imports included. `level` 0 takes each file's own
 * folder; `level` n takes its first n path segments. A folder's use of its
 * own subfolders (and theirs of it) stays inside the folder and is no edge.
 */
export function folderCycles(g: Graph, level = 0): { cycle: string[]; via: string[] }[] {
  const folder = (f: string) => (level === 0 ? dirname(f) : dirname(f).split("/").slice(0, level).join("/"));
  const nested = (a: string, b: string) => a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
  const edges = new Map<string, Map<string, string>>();
  for (const [file, imports] of g) {
    for (const e of imports) {
      if (e.module || !g.has(e.to)) continue;
      const [a, b] = [folder(file), folder(e.to)];
      if (nested(a, b)) continue;
      const out = edges.get(a) ?? new Map<string, string>();
      if (!out.has(b)) out.set(b, `${file} -> ${e.to}`);
      edges.set(a, out);
    }
  }
  return cycles(edges.keys(), (n) => edges.get(n)?.keys() ?? []).map((c) => ({
    cycle: c,
    via: c.flatMap((a) => c.flatMap((b) => edges.get(a)?.get(b) ?? [])),
  }));
}

/**
 * The first I/O module `from` reaches through imports that stay at run time,
 * as the chain of files that leads to it; undefined when it reaches none.
 */
export function reachedModule(g: Graph, from: string, modules: ReadonlySet<string>): string[] | undefined {
  const parent = new Map<string, string | undefined>([[from, undefined]]);
  const queue = [from];
  while (queue.length) {
    const f = queue.shift()!;
    for (const e of g.get(f) ?? []) {
      if (e.typeOnly) continue;
      if (e.module && modules.has(e.module)) {
        const chain = [e.module];
        for (let at: string | undefined = f; at; at = parent.get(at)) chain.unshift(at);
        return chain;
      }
      if (!e.module && g.has(e.to) && !parent.has(e.to)) {
        parent.set(e.to, f);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}
