/**
 * Whether the Tetragon policy's selectors cover an open the catalogue
 * declares a kill for: the security_file_open hook, a matchArgs Prefix that
 * the resolved path starts with, no matchBinaries that leave the reader out,
 * and a matchPIDs NotIn that does not list the reader's namespace PID.
 */
interface Selector {
  matchArgs?: { index: number; operator: string; values: string[] }[];
  matchBinaries?: { operator: string; values: string[] }[];
  matchPIDs?: { operator: string; values: number[]; isNamespacePID?: boolean }[];
  matchActions?: { action: string }[];
}
interface Kprobe {
  call: string;
  selectors?: Selector[];
}
export interface PolicySpec {
  spec: { kprobes?: Kprobe[] };
}

export interface OpenFacts {
  /** The path as Tetragon's d_path gives it: resolved, in the reader's mount namespace. */
  path: string;
  /** The reader's executable, absolute. */
  binary: string;
  /** The reader's PID in the container's PID namespace. */
  nsPid: number;
}

function selectorKills(s: Selector, o: OpenFacts): boolean {
  const args = (s.matchArgs ?? []).every((m) => m.index !== 0 || (m.operator === "Prefix" ? m.values.some((v) => o.path.startsWith(v)) : m.operator === "Equal" ? m.values.includes(o.path) : false));
  const bins = (s.matchBinaries ?? []).every((m) => (m.operator === "In" ? m.values.includes(o.binary) : m.operator === "NotIn" ? !m.values.includes(o.binary) : false));
  const pids = (s.matchPIDs ?? []).every((m) => m.isNamespacePID === true && (m.operator === "NotIn" ? !m.values.includes(o.nsPid) : m.operator === "In" ? m.values.includes(o.nsPid) : false));
  const kill = (s.matchActions ?? []).some((a) => a.action === "Sigkill");
  return args && bins && pids && kill;
}

/** The kprobe calls whose selectors would kill this open (empty: the policy spares it). */
export function killingHooks(policy: PolicySpec, o: OpenFacts): string[] {
  return (policy.spec.kprobes ?? []).filter((k) => k.call === "security_file_open" && (k.selectors ?? []).some((s) => selectorKills(s, o))).map((k) => k.call);
}
