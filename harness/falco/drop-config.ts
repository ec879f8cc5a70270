import { parse } from "yaml";
import { FALCO_DROP_ALERTS } from "../../clusters/helm/falco.ts";

/**
 * Falco's drop manager checks the driver's drop counters at the first event
 * more than one second after its last check (falco 0.44.1
 * userspace/falco/event_drops.cpp:54-61, ONE_SECOND_IN_NS), and only while
 * processing an event, before that event goes to the rules
 * (userspace/falco/app/actions/process_events.cpp:298 before :307).
 */
export const FALCO_DROP_CHECK_INTERVAL_MS = 1000;

function num(v: unknown, fallback: number): number | undefined {
  if (v === undefined) return fallback;
  return typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v)) ? Number(v) : undefined;
}

/**
 * Why the drop alerts of the Falco config `text` may stay silent, or [] when
 * every drop raises an alert at the next check. A missing key counts as
 * Falco's default (configuration.cpp:532-539; no actions is "ignore", :527-529).
 */
export function falcoDropConfigProblems(text: string, where: string): string[] {
  const doc = parse(text) as Record<string, unknown> | null;
  const d = ((doc ?? {}).syscall_event_drops ?? {}) as Record<string, unknown>;
  const fix = `set falco.syscall_event_drops ${JSON.stringify(FALCO_DROP_ALERTS)} (clusters/helm/falco.ts)`;
  const problems: string[] = [];
  const threshold = num(d.threshold, 0.1);
  if (threshold !== 0) problems.push(`syscall_event_drops.threshold is ${JSON.stringify(d.threshold ?? 0.1)}: Falco alerts only when drops exceed that share of a second's events, so fewer drops stay silent`);
  const rate = num(d.rate, 0.03333);
  if (rate === undefined || rate < FALCO_DROP_ALERTS.rate) problems.push(`syscall_event_drops.rate is ${JSON.stringify(d.rate ?? 0.03333)}: fewer than one drop alert a second, so a drop after an earlier one can stay silent`);
  const burst = num(d.max_burst, 1);
  if (burst === undefined || burst < FALCO_DROP_ALERTS.max_burst) problems.push(`syscall_event_drops.max_burst is ${JSON.stringify(d.max_burst ?? 1)}: the token bucket never holds a whole alert`);
  const actions = Array.isArray(d.actions) ? d.actions.map(String) : [];
  if (!actions.includes("alert")) problems.push(`syscall_event_drops.actions is ${JSON.stringify(d.actions ?? [])}: without "alert" a drop raises no alert in Falco's output`);
  return problems.map((p) => `${where}: ${p}; ${fix}`);
}
