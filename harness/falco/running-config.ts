import { NS } from "../../clusters/names.ts";
import { PermanentError } from "../core/errors.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import { parseFalcoRuleConfig, ruleMatchingProblems } from "./rule-matching.ts";
import { pinnedRuleFiles } from "./shadowing.ts";
import { falcoDropConfigProblems } from "./drop-config.ts";

/**
 * The config file the chart mounts into the Falco container (templates/
 * pod-template.tpl:187-189). It is the whole config: its config_files entry,
 * /etc/falco/config.d, is only mounted for the driver loader, which modern_ebpf
 * does not use (_helpers.tpl:357-363), and /etc/falco itself is falcoctl's
 * emptyDir (pod-template.tpl:137-141), which hides the image's own config.d.
 */
export const FALCO_CONFIG_PATH = "/etc/falco/falco.yaml";
const SELECTOR = "app.kubernetes.io/name=falco";

interface PodJson {
  metadata: { name: string; deletionTimestamp?: string };
  status: { phase?: string };
}

/** The falco.yaml each running Falco pod was started with, read from inside the pod. */
export async function readRunningFalcoConfigs(kube: Kubectl): Promise<{ pod: string; text: string }[]> {
  const pods = await kube.json<{ items: PodJson[] }>(["-n", NS.falco, "get", "pods", "-l", SELECTOR]);
  const live = pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === "Running");
  if (!live.length) throw new Error(`no running Falco pod (selector ${SELECTOR}) in namespace ${NS.falco}`);
  return Promise.all(
    live.map(async (p) => {
      const r = await kube.exec(NS.falco, p.metadata.name, ["cat", FALCO_CONFIG_PATH], { container: "falco" });
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
export async function assertFalcoRunsAllRules(kube: Kubectl): Promise<void> {
  const files = pinnedRuleFiles();
  for (const { pod, text } of await readRunningFalcoConfigs(kube)) {
    const where = `${FALCO_CONFIG_PATH} in pod ${NS.falco}/${pod}`;
    const problems = [...ruleMatchingProblems(parseFalcoRuleConfig(text, where), files, where), ...falcoDropConfigProblems(text, where)];
    if (problems.length) throw new PermanentError(problems.join("\n"));
  }
}
