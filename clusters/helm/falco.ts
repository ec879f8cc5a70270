import type { Versions } from "../versions.ts";

/** File name of the project's rules inside /etc/falco/rules.d. */
export const FALCO_RULES_FILE = "secretproof-rules.yaml";

/**
 * Falco with the modern eBPF probe and JSON alerts on stdout, flushed at
 * once (tty), the project's rules under customRules, and falcoctl pinned to
 * one falco-rules release and one container plugin (the container plugin
 * gives k8s.ns.name / k8s.pod.name). The follow sidecar is off so the rules
 * cannot change under a run.
 */
export function falcoValues(v: Pick<Versions, "falco">, rules: string): Record<string, unknown> {
  return {
    // Failed-open rules (MEM/TAMPER attempts) need failed syscall exits kept: pin the chart default.
    driver: { kind: "modern_ebpf", modernEbpf: { dropFailedExit: false } },
    tty: true,
    falco: { json_output: true, json_include_output_property: true, json_include_tags_property: true },
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
