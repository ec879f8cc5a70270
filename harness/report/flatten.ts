/** Flattens nested plain data into "a.b.c" → value pairs, in insertion order. */
export function flatten(value: unknown, prefix = ""): [string, string][] {
  if (value === null || typeof value !== "object") return prefix ? [[prefix, String(value)]] : [];
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(value)) out.push(...flatten(v, prefix ? `${prefix}.${k}` : k));
  return out;
}
