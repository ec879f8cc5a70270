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
 * - no deny response: the chart renders policy-deny-response from
 *   policyDenyResponse (default "none"); the agent answers a denied packet
 *   with an ICMP unreachable only when it is "icmp" (its node config sets
 *   PolicyDenyResponseEnabled for option.PolicyDenyResponseIcmp alone; read
 *   at the stored tree, not the v1.20.0 tag). The claim expects a silent
 *   drop: the SYN unanswered and the attempt timing out (judgeAttemptFailed).
 */
export function judgeCiliumConfig(data: Readonly<Record<string, string>> | undefined): UpstreamCheck[] {
  const d = data ?? {};
  const mode = d["enable-policy"] ?? "default";
  const audit = d["policy-audit-mode"] ?? "false";
  const hubble = d["enable-hubble"];
  const deny = d["policy-deny-response"];
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
      behaviour: "Cilium answers a denied packet with nothing (policy-deny-response none)",
      ok: deny === undefined || deny === "none",
      detail: `cilium-config policy-deny-response is ${JSON.stringify(deny ?? null)}; the claim expects it absent or "none", so the dropped SYN goes unanswered and the attempt times out (with "icmp" the agent sends an ICMP unreachable back)`,
    },
    {
      behaviour: "Hubble is enabled in the Cilium agent",
      ok: hubble === "true",
      detail: `cilium-config enable-hubble is ${JSON.stringify(hubble ?? null)}; the claim reads the drop from the agent's Hubble flow buffer`,
    },
  ];
}

/** How many of the newest records the CLI check asks for: enough that a lost_events or other non-flow record among them leaves flows beside it. */
export const HUBBLE_CHECK_LAST = 20;

/**
 * The hubble CLI in the agent pod answers with flows in the JSON shape the
 * judge reads (the agent image ships /usr/bin/hubble pointed at the agent's
 * unix socket: images/cilium/Dockerfile, HUBBLE_SERVER=unix:///var/run/cilium/hubble.sock).
 * Run with `--last HUBBLE_CHECK_LAST`: the newest record may be a lost-events
 * notice rather than a flow (observer.GetFlowsResponse carries either), so
 * one flow among them is asked for, and every line must be JSON.
 */
export function judgeHubbleCli(r: ExecRecord): UpstreamCheck {
  const behaviour = "the hubble CLI in the Cilium agent pod returns flows as JSON";
  const ran = `\`${r.command.join(" ")}\` in ${r.namespace}/${r.pod} -c ${r.container}`;
  if (r.exitCode !== 0) return { behaviour, ok: false, detail: `${ran} exited ${r.exitCode} (${r.origin}): ${r.stderr.trim().split("\n").at(-1) ?? ""}` };
  const parsed = parseHubbleFlows(r.stdout);
  const notJson = parsed.malformed.filter((m) => m.endsWith(": not JSON"));
  if (notJson.length) return { behaviour, ok: false, detail: `${ran} printed lines that are not JSON: ${notJson.join("; ")}` };
  if (!parsed.flows.length) {
    return { behaviour, ok: false, detail: `${ran} printed no flow${parsed.malformed.length ? `: ${parsed.malformed.join("; ")}` : " (an empty flow buffer)"}` };
  }
  const others = parsed.malformed.length ? `, and ${parsed.malformed.length} other record(s)` : "";
  return { behaviour, ok: true, detail: `${ran} returned ${parsed.flows.length} flow(s)${others}` };
}

/** The message the suite fails with when an upstream behaviour does not hold, naming each. */
export function upstreamFailure(checks: readonly UpstreamCheck[]): string | undefined {
  const bad = checks.filter((c) => !c.ok);
  if (!bad.length) return undefined;
  return `the network claim relies on upstream behaviour that does not hold here:\n${bad.map((c) => `- ${c.behaviour}: ${c.detail}`).join("\n")}`;
}
