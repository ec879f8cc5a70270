import { createHash } from "node:crypto";
import { parse } from "yaml";

/** sha256 of a kind config's text. */
export function kindConfigHash(yaml: string): string {
  return createHash("sha256").update(yaml).digest("hex");
}

const MAX_SHOWN = 8;

const show = (v: unknown) => {
  const s = v === undefined ? "(absent)" : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
};

/** Paths (a.b[0].c) where two parsed documents differ, each with both values. */
export function differences(a: unknown, b: unknown, path = ""): string[] {
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null;
  if (isObj(a) && isObj(b) && Array.isArray(a) === Array.isArray(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => differences(a[k], b[k], Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k));
  }
  if (typeof a === "string" && typeof b === "string" && a.includes("\n") && b.includes("\n")) {
    // kubeadmConfigPatches are YAML documents inside strings: compare what they say.
    const inner = differences(parse(a) as unknown, parse(b) as unknown);
    return inner.map((d) => `${path}: ${d}`);
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [`${path || "(document)"}: ${show(a)} -> ${show(b)}`];
}

/**
 * Whether an existing kind cluster may be reused: only if it was created
 * from exactly the config `up` renders now. What kind applied at creation
 * (node image, mounts, kubeadm patches) cannot change on a running cluster,
 * so a difference would leave the cluster silently unlike what the run
 * records. Returns the problem, or undefined when the configs say the same.
 */
export function kindReuseProblem(cluster: string, recorded: string | undefined, rendered: string): string | undefined {
  const down = "run `secretproof down`, then `secretproof up` to create it from the current config";
  if (recorded === undefined) {
    return `kind cluster ${cluster} exists, but there is no record of the config it was created from: ${down}`;
  }
  if (kindConfigHash(recorded) === kindConfigHash(rendered)) return undefined;
  const diff = differences(parse(recorded) as unknown, parse(rendered) as unknown);
  if (diff.length === 0) return undefined; // the same settings, written differently
  const shown = diff.slice(0, MAX_SHOWN).map((d) => `\n  ${d}`).join("");
  const more = diff.length > MAX_SHOWN ? `\n  … ${diff.length - MAX_SHOWN} more` : "";
  return (
    `kind cluster ${cluster} was created from a config (sha256 ${kindConfigHash(recorded).slice(0, 12)}) ` +
    `other than the one rendered now (sha256 ${kindConfigHash(rendered).slice(0, 12)}): ${down}; created -> rendered:${shown}${more}`
  );
}
