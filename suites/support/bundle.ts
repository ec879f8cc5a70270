import type { BundleView } from "../../harness/claims/registry.ts";

/** An in-memory evidence bundle for judging tests. */
export function memoryBundle(files: Record<string, string | object>): BundleView {
  const text = (p: string): string => {
    const v = files[p];
    if (v === undefined) throw new Error(`no ${p} in bundle`);
    return typeof v === "string" ? v : JSON.stringify(v);
  };
  return {
    files: Object.keys(files).sort(),
    has: (p) => p in files,
    bytes: (p) => Buffer.from(text(p)),
    text,
    json: <T,>(p: string) => JSON.parse(text(p)) as T,
  };
}
