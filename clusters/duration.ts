/** A duration written readably: "250ms", "30s", "5m", "1h", or a combination like "1m30s". */
export type Duration = `${number}${"ms" | "s" | "m" | "h"}` | `${number}m${number}s`;

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;

/** Converts a readable duration to milliseconds; throws on anything it cannot read. */
export function toMs(d: Duration | string): number {
  const text = d.trim();
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(PART)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * (UNIT_MS[m[2] as string] as number);
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== text.length) {
    throw new Error(`invalid duration ${JSON.stringify(d)}: expected e.g. "250ms", "30s", "5m", "1m30s"`);
  }
  return total;
}

/** Whole seconds, as Vault and kube flags accept them ("90s"). */
export function toSeconds(d: Duration | string): number {
  return Math.ceil(toMs(d) / 1000);
}

/** Renders milliseconds for humans: 950ms, 12.3s, 4m05s. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const total = Math.round(ms / 1000);
  const m = Math.floor(total / 60);
  const s = total % 60;
  return `${m}m${String(s).padStart(2, "0")}s`;
}
