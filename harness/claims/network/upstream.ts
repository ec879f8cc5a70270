import { parseHubbleFlows } from "./flows.ts";
import type { ExecRecord } from "./types.ts";

/** One upstream behaviour the network suite relies on, checked before the attempt. */
export interface UpstreamCheck {
  behaviour: string;
  ok: boolean;
  detail: string;
}

/**
 * The agent's settings the claim depends on, from the cilium-config
 * ConfigMap the chart renders (install/kubernetes/cilium/templates/
 * cilium-configmap.yaml: enable-policy from policyEnforcementMode, default
 * "default"; policy-audit-mode from policyAuditMode, default false;
 * enable-hubble from hubble.enabled, default true).
 *
 * - enforcement mode "default": an endpoint is default-deny only in a
 *   direction a rule selecting it has rules for (docs security/policy/intro,
 *   "Policy Enforcement Modes"); "always" would close the app's ingress too,
 *   "never" would enforce nothing.
 * - audit mode off: in audit mode a denied packet is forwarded and Hubble
 *   reports verdict AUDIT, not DROPPED (api/v1/flow/flow.proto Verdict).
 * - Hubble on: the drop record is read from the agent's flow buffer.
 */
export function judgeCiliumConfig(data: Readonly<Record<string, string>> | undefined): UpstreamCheck[] {
  const d = data ?? {};
  const mode = d["enable-policy"] ?? "default";
  const audit = d["policy-audit-mode"] ?? "false";
  const hubble = d["enable-hubble"];
  return [
    {
      behaviour: "Cilium's policy enforcement mode is default (per-direction default deny)",
      ok: mode === "default",
      detail: `cilium-config enable-policy is ${JSON.stringify(mode)}; the claim expects "default" (egress denied by the app's policy, ingress untouched)`,
    },
    {
      behaviour: "Cilium's policy audit mode is off (denied packets are dropped)",
      ok: audit === "false",
      detail: `cilium-config policy-audit-mode is ${JSON.stringify(audit)}; with it on, the policy only reports (verdict AUDIT) and drops nothing`,
    },
    {
      behaviour: "Hubble is enabled in the Cilium agent",
      ok: hubble === "true",
      detail: `cilium-config enable-hubble is ${JSON.stringify(hubble ?? null)}; the claim reads the drop from the agent's Hubble flow buffer`,
    },
  ];
}

/**
 * The hubble CLI in the agent pod answers with flows in the JSON shape the
 * judge reads (the agent image ships /usr/bin/hubble pointed at the agent's
 * unix socket: images/cilium/Dockerfile, HUBBLE_SERVER=unix:///var/run/cilium/hubble.sock).
 */
export function judgeHubbleCli(r: ExecRecord): UpstreamCheck {
  const behaviour = "the hubble CLI in the Cilium agent pod returns flows as JSON";
  const ran = `\`${r.command.join(" ")}\` in ${r.namespace}/${r.pod} -c ${r.container}`;
  if (r.exitCode !== 0) return { behaviour, ok: false, detail: `${ran} exited ${r.exitCode} (${r.origin}): ${r.stderr.trim().split("\n").at(-1) ?? ""}` };
  const parsed = parseHubbleFlows(r.stdout);
  if (!parsed.flows.length) {
    return { behaviour, ok: false, detail: `${ran} printed no flow${parsed.malformed.length ? `: ${parsed.malformed.join("; ")}` : " (an empty flow buffer)"}` };
  }
  return { behaviour, ok: true, detail: `${ran} returned ${parsed.flows.length} flow(s)` };
}

/** The message the suite fails with when an upstream behaviour does not hold, naming each. */
export function upstreamFailure(checks: readonly UpstreamCheck[]): string | undefined {
  const bad = checks.filter((c) => !c.ok);
  if (!bad.length) return undefined;
  return `the network claim relies on upstream behaviour that does not hold here:\n${bad.map((c) => `- ${c.behaviour}: ${c.detail}`).join("\n")}`;
}
