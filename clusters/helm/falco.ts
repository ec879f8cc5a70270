import type { Versions } from "../versions.ts";

/** File name of the project's rules inside /etc/falco/rules.d. */
export const FALCO_RULES_FILE = "secretproof-rules.yaml";

/**
 * Rule matching is "all": the chart defaults to "first" (falcosecurity/charts
 * falco-9.1.0 charts/falco/values.yaml:1042-1063, rendered into falco.yaml by
 * templates/configmap.yaml:16), under which Falco stops at the first matching
 * rule in load order (falco 0.44.1 userspace/engine/falco_engine.cpp:381-396,
 * evttype_index_ruleset.cpp:55-67). The stock falco_rules.yaml loads before
 * rules.d (values.yaml:789-792), so "Terminal shell in container" would
 * silence our SHELL rule. harness/falco/shadowing.ts checks this offline and
 * harness/falco/running-config.ts in the running pod.
 */
export const FALCO_RULE_MATCHING = "all";

/**
 * The drop alerts the absence verdicts need: on any drop (threshold 0:
 * Falco acts when drops / events of the last second exceed it,
 * falco 0.44.1 userspace/falco/event_drops.cpp:99-104), one alert per check (rate 1 a second with a
 * burst of 1: the token bucket is claimed once per check, event_drops.cpp:109,
 * and one check comes at most every second), and written as an alert
 * (`alert` among the actions). The chart's defaults, threshold .1, rate
 * .03333 (one alert per 30 s), max_burst 1, actions log and alert
 * (falcosecurity/charts falco-9.1.0 charts/falco/values.yaml:1439-1454;
 * Falco's own defaults are the same, userspace/falco/configuration.cpp:499-539),
 * can keep drops silent.
 */
export const FALCO_DROP_ALERTS = { threshold: 0, actions: ["log", "alert"], rate: 1, max_burst: 1 } as const;

/**
 * Falco with the modern eBPF probe and JSON alerts on stdout, flushed at
 * once (tty), the project's rules under customRules, and falcoctl pinned to
 * one falco-rules release and one container plugin (the container plugin
 * gives k8s.ns.name / k8s.pod.name). The follow sidecar is off so the rules
 * cannot change under a run.
 *
 * Alerts are written unbuffered either way: the chart keeps buffered_outputs
 * false (values.yaml:1040), so Falco sets std::unitbuf on stdout before each
 * alert (falco 0.44.1 userspace/falco/outputs_stdout.cpp:28-31); tty (a line-
 * buffered stdout, values.yaml:143-145) only guards against that changing.
 * falcoctl unpacks falco-rules into rulesfilesDir /rulesfiles (values.yaml:604),
 * an emptyDir the Falco container mounts at /etc/falco (templates/
 * pod-template.tpl:137-141, 229-230), hence /etc/falco/falco_rules.yaml.
 */
export function falcoValues(v: Pick<Versions, "falco">, rules: string): Record<string, unknown> {
  return {
    // Failed-open rules (MEM/TAMPER attempts) need failed syscall exits kept: pin the chart default.
    driver: { kind: "modern_ebpf", modernEbpf: { dropFailedExit: false } },
    tty: true,
    falco: {
      json_output: true,
      json_include_output_property: true,
      json_include_tags_property: true,
      rule_matching: FALCO_RULE_MATCHING,
      // Every drop raises an alert at Falco's next check, at most a second later: the absence verdicts count them (harness/falco/drop-config.ts checks it in the running pod).
      syscall_event_drops: FALCO_DROP_ALERTS,
    },
    customRules: { [FALCO_RULES_FILE]: rules },
    collectors: { containerEngine: { enabled: true, pluginRef: v.falco.containerPluginRef } },
    falcoctl: {
      artifact: { install: { enabled: true }, follow: { enabled: false } },
      config: {
        artifact: {
          install: { refs: [v.falco.rulesRef, v.falco.containerPluginRef] },
          follow: { refs: [v.falco.rulesRef] },
        },
      },
    },
  };
}
