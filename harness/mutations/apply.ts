import type { Mutation, MutationObject, Operation, StackRef, FieldPath } from "./schema.ts";
import { falcoRulesText, objectOf, type MutableStack } from "./stack.ts";
import { FALCO_RULES_FILE } from "../../clusters/helm/falco.ts";

type Container = Record<string | number, unknown>;

const show = (p: FieldPath) => (p.length ? p.join(".") : "(the object itself)");

/** The container at `path` (every step must exist), for a mutation's error messages named by `where`. */
function walk(root: unknown, path: FieldPath, where: string): Container {
  let cur = root;
  for (const [i, key] of path.entries()) {
    if (cur === null || typeof cur !== "object" || !(key in cur)) throw new Error(`${where}: the rendered object has no ${show(path.slice(0, i + 1))}`);
    cur = (cur as Container)[key];
  }
  if (cur === null || typeof cur !== "object") throw new Error(`${where}: ${show(path)} is not an object or array`);
  return cur as Container;
}

function isRef(v: unknown): v is StackRef {
  return v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).sort().join() === "from,path";
}

/** The value with every {from, path} replaced by what the (unmutated) stack holds there. */
function resolve(value: unknown, base: MutableStack | undefined, where: string): unknown {
  if (isRef(value)) {
    if (!base) throw new Error(`${where}: copies a value from ${value.from}, and no rendered stack was given`);
    if (value.from === "falco-rules") throw new Error(`${where}: values cannot be copied from falco-rules`);
    const parent = walk(objectOf(base, value.from), value.path.slice(0, -1), where);
    return structuredClone(parent[value.path.at(-1)!]);
  }
  if (Array.isArray(value)) return value.map((v) => resolve(v, base, where));
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, base, where)]));
  return value;
}

/** The rules file without the named rule (its `- rule:` item up to the next top-level item). */
export function removeFalcoRule(text: string, rule: string): string {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => l === `- rule: ${rule}`);
  if (start < 0) throw new Error(`the Falco rules file has no top-level "- rule: ${rule}"`);
  let end = start + 1;
  while (end < lines.length && !/^- /.test(lines[end]!)) end++;
  return [...lines.slice(0, start), ...lines.slice(end)].join("\n");
}

function applyOne(stack: MutableStack, base: MutableStack | undefined, o: Operation, where: string): void {
  if (o.op === "remove-rule") {
    const values = stack.plan.releases.falco.values as { customRules: Record<string, string> };
    values.customRules[FALCO_RULES_FILE] = removeFalcoRule(falcoRulesText(stack), o.rule);
    return;
  }
  if (o.object === "falco-rules") throw new Error(`${where}: falco-rules takes only remove-rule`);
  const root = objectOf(stack, o.object as Exclude<MutationObject, "falco-rules">);
  const last = o.path.at(-1);
  if (o.op === "append") {
    const arr = walk(root, o.path, where);
    if (!Array.isArray(arr)) throw new Error(`${where}: ${show(o.path)} is not an array`);
    arr.push(resolve(o.value, base, where));
  } else if (o.op === "move") {
    const arr = walk(root, o.path, where);
    if (!Array.isArray(arr) || o.from >= arr.length || o.to >= arr.length || o.from === o.to) throw new Error(`${where}: cannot move ${o.from} to ${o.to} in ${show(o.path)}`);
    arr.splice(o.to, 0, ...arr.splice(o.from, 1));
  } else if (last === undefined) {
    throw new Error(`${where}: ${o.op} needs a field path`);
  } else {
    const parent = walk(root, o.path.slice(0, -1), where);
    if (o.op === "delete") {
      if (!(last in parent)) throw new Error(`${where}: the rendered object has no ${show(o.path)} to delete`);
      if (Array.isArray(parent)) parent.splice(Number(last), 1);
      else delete parent[last];
    } else {
      const value = resolve(o.value, base, where);
      if (JSON.stringify(parent[last]) === JSON.stringify(value)) throw new Error(`${where}: ${show(o.path)} already is ${JSON.stringify(value)}`);
      parent[last] = value;
    }
  }
}

/**
 * The stack with the mutation's operations applied in order, on a copy (pure).
 * An operation that names a field the render does not have, or changes
 * nothing, is an error naming the mutation and the operation: a catalogue
 * that drifts from the renderer fails here, not as a silent no-op.
 */
export function applyMutation(stack: MutableStack, m: Pick<Mutation, "name" | "change">, refs: MutableStack | undefined = stack): MutableStack {
  const out = structuredClone(stack);
  m.change.forEach((o, i) => applyOne(out, refs, o, `mutation ${m.name} change ${i + 1} (${o.op} ${o.object})`));
  return out;
}

/** The objects `up` renders apart from the plan, which a mutation's operations can be applied to alone. */
type Standalone = "app-deployment" | "tracing-policy" | "encryption-config";
const PUT: Record<Standalone, (s: MutableStack, v: unknown) => void> = {
  "app-deployment": (s, v) => (s.plan.app.deployment = v as MutableStack["plan"]["app"]["deployment"]),
  "tracing-policy": (s, v) => (s.tracingPolicy = v as MutableStack["tracingPolicy"]),
  "encryption-config": (s, v) => (s.plan.encryptionConfig = v as MutableStack["plan"]["encryptionConfig"]),
};

/**
 * Only the mutation's operations on one object, applied to `value` (pure):
 * for what `up` renders apart from the plan (the EncryptionConfiguration it
 * writes before the plan exists, the Deployment once the image ID is known)
 * and the TracingPolicy the enforcement suite loads. `stack`, when given, resolves copied values.
 */
export function applyMutationTo<T>(object: Standalone, value: T, m: Pick<Mutation, "name" | "change">, stack?: MutableStack): T {
  const mine = m.change.filter((o) => o.object === object);
  if (!mine.length) return value;
  const probe = { plan: { app: {} }, tracingPolicy: {} } as unknown as MutableStack;
  PUT[object](probe, structuredClone(value));
  return objectOf(applyMutation(probe, { name: m.name, change: mine }, stack), object) as T;
}
