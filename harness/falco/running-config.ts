import { PermanentError } from "../core/errors.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { parseFalcoRuleConfig, ruleMatchingProblems } from "./rule-matching.ts";
import { pinnedRuleFiles } from "./shadowing.ts";
import { NS } from "../../clusters/names.ts";
import { falcoDropConfigProblems } from "./drop-config.ts";

/**
 * The config file the chart mounts into the Falco container (templates/
 * pod-template.tpl:187-189). It is the whole config: its config_files entry,
 * /etc/falco/config.d, is only mounted for the driver loader, which modern_ebpf
 * does not use (_helpers.tpl:357-363), and /etc/falco itself is falcoctl's
 * emptyDir (pod-template.tpl:137-141), which hides the image's own config.d.
 */
export const FALCO_CONFIG_PATH = "/etc/falco/falco.yaml";

/** Where the Falco pods run: the kind stack's chart by default (harness/attack/where.ts names the same). */
export interface FalcoPods {
  namespace: string;
  selector: string;
  container: string;
}
const KIND_FALCO: FalcoPods = { namespace: NS.falco, selector: "app.kubernetes.io/name=falco", container: "falco" };

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  status: { phase?: string };
}

/** The falco.yaml each running Falco pod was started with, read from inside the pod. */
export async function readRunningFalcoConfigs(kube: Kubectl, falco: FalcoPods = KIND_FALCO): Promise<{ pod: string; text: string }[]> {
  const pods = await kube.json<{ items: PodJson[] }>(["-n", falco.namespace, "get", "pods", "-l", falco.selector]);
  const live = pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === "Running");
  if (!live.length) throw new Error(`no running Falco pod (selector ${falco.selector}) in namespace ${falco.namespace}`);
  return Promise.all(
    live.map(async (p) => {
      const r = await kube.exec(falco.namespace, p.metadata.name, ["cat", FALCO_CONFIG_PATH], { container: falco.container });
      return { pod: p.metadata.name, text: r.stdout };
    }),
  );
}

/**
 * Fails at once unless every running Falco loads our rules and lets all of
 * them fire: with `rule_matching: first`, a stock rule loaded earlier on the
 * same event types silences ours, which would otherwise surface much later as
 * a missing alert. Likewise unless every event drop raises an alert
 * (drop-config.ts): a silent drop would let an absence verdict pass.
 */
export async function assertFalcoRunsAllRules(kube: Kubectl, falco: FalcoPods = KIND_FALCO): Promise<void> {
  const files = pinnedRuleFiles();
  for (const { pod, text } of await readRunningFalcoConfigs(kube, falco)) {
    const where = `${FALCO_CONFIG_PATH} in pod ${falco.namespace}/${pod}`;
    const problems = [...ruleMatchingProblems(parseFalcoRuleConfig(text, where), files, where), ...falcoDropConfigProblems(text, where)];
    if (problems.length) throw new PermanentError(problems.join("\n"));
  }
}
