import { parseAllDocuments } from "yaml";
import type { Mutation, Operation } from "./schema.ts";
import { RENDERED_AT } from "./stack.ts";

/** Files derived from others (the Vault definitions from the profile in configure-vault.json): left out of the field diff. */
export const DERIVED_FILES: readonly string[] = ["vault/definitions.json"];

type Tree = unknown;

/** A YAML rules file (a list of rule/macro/list items) as an object keyed "rule:NAME", so one removed rule is one changed field. */
function rulesByName(text: string): Record<string, unknown> | undefined {
  if (!/^- (rule|macro|list): /m.test(text)) return undefined;
  const [doc] = parseAllDocuments(text);
  const items = doc?.toJS() as unknown;
  if (!Array.isArray(items)) return undefined;
  const entries = items.map((i: Record<string, unknown>) => {
    const kind = ["rule", "macro", "list", "required_engine_version"].find((k) => k in i) ?? "item";
    return [`${kind}:${String(i[kind])}`, i] as const;
  });
  return Object.fromEntries(entries);
}

function expand(v: Tree): Tree {
  if (typeof v === "string") return rulesByName(v) ?? v;
  if (Array.isArray(v)) return v.map(expand);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, expand(x)]));
  return v;
}

/** A rendered file as a tree: JSON, YAML (a multi-document file as an array of documents), or its text. */
export function parseRendered(file: string, text: string): Tree {
  if (file.endsWith(".json")) return expand(JSON.parse(text));
  if (!/\.ya?ml$/.test(file)) return text;
  const docs = parseAllDocuments(text).map((d) => d.toJS() as unknown);
  return expand(docs.length === 1 ? docs[0] : docs);
}

function diffTrees(a: Tree, b: Tree, at: string, out: string[]): void {
  const obj = (x: Tree) => x !== null && typeof x === "object";
  if (obj(a) && obj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    for (const k of keys) diffTrees((a as Record<string, Tree>)[k], (b as Record<string, Tree>)[k], at ? `${at}.${k}` : k, out);
  } else if (JSON.stringify(a) !== JSON.stringify(b)) out.push(at);
}

/** Every changed field between two renders, as "file#field.path" ("file#" for a whole added or removed file). */
export function renderedDiff(base: Readonly<Record<string, string>>, mutated: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const file of new Set([...Object.keys(base), ...Object.keys(mutated)])) {
    if (DERIVED_FILES.includes(file)) continue;
    const [a, b] = [base[file], mutated[file]];
    if (a === undefined || b === undefined) out.push(`${file}#`);
    else {
      const fields: string[] = [];
      diffTrees(parseRendered(file, a), parseRendered(file, b), "", fields);
      out.push(...fields.map((f) => `${file}#${f}`));
    }
  }
  return out.sort();
}

/** The field one operation declares it changes, in renderedDiff's spelling. */
export function declaredField(o: Operation): string {
  const at = RENDERED_AT[o.object];
  const path = o.op === "remove-rule" ? [`rule:${o.rule}`] : o.path;
  const doc = o.object === "app-objects" ? [3] : at.doc === undefined ? [] : [at.doc];
  return `${at.file}#${[...doc, ...(at.under ?? []), ...path].join(".")}`;
}

/** Changed fields no operation declares, and operations whose field did not change. */
export function undeclaredChanges(m: Pick<Mutation, "change">, diff: readonly string[]): { undeclared: string[]; unchanged: string[] } {
  const declared = m.change.map(declaredField);
  const under = (d: string, f: string) => f === d || f.startsWith(`${d}.`) || (d.endsWith("#") && f.startsWith(d));
  return {
    undeclared: diff.filter((f) => !declared.some((d) => under(d, f))),
    unchanged: declared.filter((d) => !diff.some((f) => under(d, f))),
  };
}
