import { toMs } from "../../../../clusters/duration.ts";
import { SINK } from "../../../../clusters/names.ts";
import { networkManifest } from "../../render/render.ts";
import { need, type UpContext, type UpStep } from "../context.ts";
import { TARGETS } from "../diagnostics.ts";
import { poll } from "./local.ts";
import { probeEgressEnforcing } from "../probes/egress-enforcing.ts";

/**
 * The CRD the Cilium operator registers for the app's egress policy
 * (cilium/cilium pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml).
 */
export const CNP_CRD = "ciliumnetworkpolicies.cilium.io";

/**
 * The network claim's objects: the sink and the client in their namespace
 * (from the app image already loaded into kind), the sink's Service, and the
 * app's egress CiliumNetworkPolicy once its CRD is Established; then the sink
 * and client rolled out. Applying again changes nothing.
 */
export async function networkStep(ctx: UpContext): Promise<void> {
  const rollout = toMs(ctx.profile.waits.rollout);
  const kube = need(ctx, "kube");
  const k = need(ctx, "kubectl");
  await poll(ctx, `CRD ${CNP_CRD} Established (the Cilium operator registers it)`, rollout, async () =>
    (await kube.crdEstablished(CNP_CRD)) ? { done: true, value: CNP_CRD } : { done: false, state: `${CNP_CRD} not established` },
  );
  await k.apply(networkManifest(need(ctx, "plan").network));
  for (const d of [SINK.deployment, SINK.client]) await k.rolloutStatus(SINK.namespace, `deployment/${d}`, rollout);
  ctx.log.info(`network: ${SINK.namespace}/${SINK.deployment} and ${SINK.client} rolled out; the app's egress policy applied`);
}

export const networkSpec: UpStep = {
  name: "network",
  deps: ["cilium", "namespaces", "app-image-load"],
  what: "apply the exfiltration sink and client (app image), the sink's Service and the app's egress CiliumNetworkPolicy; wait for the CRD and the rollouts",
  run: networkStep,
  diagnose: [TARGETS.sink, TARGETS.cilium],
};

/**
 * The app's egress policy enforced on every running app pod, as the Cilium
 * agent's datapath holds it (judges/egress-enforcing.ts). Cilium realizes a
 * policy on an endpoint asynchronously after the API server stores it, and on
 * a reused cluster the app pod may predate it; nothing after `up` relies on
 * the policy before this holds. The cluster has one node, so the DaemonSet's
 * one agent holds every endpoint.
 */
export async function networkEnforcingStep(ctx: UpContext): Promise<void> {
  const kube = need(ctx, "kube");
  const k = need(ctx, "kubectl");
  const budget = toMs(ctx.profile.waits.policyEnforcing);
  // one exec never outlasts the step's own wait
  const command = Math.min(toMs(ctx.profile.waits.command), budget);
  const what = `Cilium to enforce the app's egress policy on every running app pod (\`cilium-dbg endpoint list\`: policy-enabled egress or both)`;
  const detail = await poll(ctx, what, budget, () => probeEgressEnforcing(kube, k, command));
  ctx.log.info(`network-enforcing: ${detail}`);
}

export const networkEnforcingSpec: UpStep = {
  name: "network-enforcing",
  deps: ["network", "app"],
  what: "wait until the Cilium agent reports egress policy enforced on every running app pod's endpoint (audit mode refused)",
  run: networkEnforcingStep,
  diagnose: [TARGETS.cilium, TARGETS.app],
};
