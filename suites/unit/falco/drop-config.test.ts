import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { FALCO_DROP_ALERTS, falcoValues } from "../../../clusters/helm/falco.ts";
import { versions } from "../../../clusters/versions.ts";
import { falcoDropConfigProblems } from "../../../harness/falco/drop-config.ts";

const WHERE = "/etc/falco/falco.yaml in pod falco/falco-x7k2p";
/** The chart's syscall_event_drops (falco-9.1.0 charts/falco/values.yaml:1439-1454). */
const CHART = { threshold: 0.1, actions: ["log", "alert"], rate: 0.03333, max_burst: 1 };
const yaml = (drops: Record<string, unknown> | undefined) => stringify({ rule_matching: "all", ...(drops ? { syscall_event_drops: drops } : {}) });
const FIX = `set falco.syscall_event_drops ${JSON.stringify(FALCO_DROP_ALERTS)} (clusters/helm/falco.ts)`;

describe("checking that every Falco event drop raises an alert", () => {
  it("passes what our values render: threshold 0, one alert a second, log and alert", () => {
    const ours = (falcoValues(versions, "").falco as Record<string, unknown>).syscall_event_drops as Record<string, unknown>;
    expect(ours).toEqual({ threshold: 0, actions: ["log", "alert"], rate: 1, max_burst: 1 });
    expect(falcoDropConfigProblems(yaml(ours), WHERE)).toEqual([]);
  });

  it("fails the chart's defaults, naming the threshold and the rate and their values", () => {
    expect(falcoDropConfigProblems(yaml(CHART), WHERE)).toEqual([
      `${WHERE}: syscall_event_drops.threshold is 0.1: Falco alerts only when drops exceed that share of a second's events, so fewer drops stay silent; ${FIX}`,
      `${WHERE}: syscall_event_drops.rate is 0.03333: fewer than one drop alert a second, so a drop after an earlier one can stay silent; ${FIX}`,
    ]);
  });

  it("counts a config without syscall_event_drops as Falco's defaults, no actions included", () => {
    const p = falcoDropConfigProblems(yaml(undefined), WHERE);
    expect(p.map((x) => x.replace(/^.*?: (syscall_event_drops\.\w+ is [^:]+):.*$/, "$1"))).toEqual([
      "syscall_event_drops.threshold is 0.1",
      "syscall_event_drops.rate is 0.03333",
      "syscall_event_drops.actions is []",
    ]);
  });

  it("fails actions without alert and a burst below one, naming them", () => {
    const p = falcoDropConfigProblems(yaml({ ...FALCO_DROP_ALERTS, actions: ["log"], max_burst: 0 }), WHERE);
    expect(p).toEqual([
      `${WHERE}: syscall_event_drops.max_burst is 0: the token bucket never holds a whole alert; ${FIX}`,
      `${WHERE}: syscall_event_drops.actions is ["log"]: without "alert" a drop raises no alert in Falco's output; ${FIX}`,
    ]);
  });

  it("fails a value that is not a number", () => {
    expect(falcoDropConfigProblems(yaml({ ...FALCO_DROP_ALERTS, threshold: "none" }), WHERE)[0]).toMatch(/threshold is "none"/);
  });
});
