import { ciliumPodLabels } from "../../support/cilium-labels.ts";

/**
 * `cilium-dbg endpoint list -o json` as the agent prints it: the array of
 * models.Endpoint from GET /endpoint, JSON-indented by two spaces, field names
 * as the swagger models tag them (external-identifiers, policy.realized.
 * policy-enabled, identity.labels "source:key=value"). The node's host and
 * health endpoints are listed beside the pods'.
 */
export const APP_POD = "secure-test-app-6d4b9c7f8-k2l9p";
export const NEW_APP_POD = "secure-test-app-7c5d8e9f1-m3n4b";

const podLabels = ciliumPodLabels;

function policy(enabled: string, identity: number) {
  const side = {
    "allowed-egress-identities": [2, 16777217, 31337],
    "allowed-ingress-identities": null,
    build: 14,
    "denied-egress-identities": null,
    "denied-ingress-identities": null,
    id: identity,
    l4: { egress: [{ rule: '{"port":53,"protocol":"UDP"}' }], ingress: [] },
    "policy-enabled": enabled,
    "policy-revision": 14,
  };
  return { "proxy-policy-revision": 14, "proxy-statistics": [], realized: side, spec: side };
}

export function podEndpoint(id: number, ns: string, pod: string, name: string, identity: number, enabled: string) {
  return {
    id,
    spec: { "label-configuration": {}, options: { Conntrack: "Enabled", Debug: "Disabled", DropNotification: "Enabled", PolicyAuditMode: "Disabled", PolicyVerdictNotification: "Enabled", TraceNotification: "Enabled" } },
    status: {
      "external-identifiers": {
        "cni-attachment-id": `1f0d7c9a2b3e4d5f:eth0`,
        "container-id": "1f0d7c9a2b3e4d5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f",
        "k8s-namespace": ns,
        "k8s-pod-name": pod,
        "pod-name": `${ns}/${pod}`,
      },
      health: { bpf: "OK", connected: true, overallHealth: "OK", policy: "OK" },
      identity: { id: identity, labels: podLabels(ns, name), labelsSHA256: "5c0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f" },
      labels: { derived: ["k8s:pod-template-hash=6d4b9c7f8"], realized: {}, "security-relevant": podLabels(ns, name) },
      networking: { addressing: [{ ipv4: "10.244.0.57", "ipv4-pool-name": "default" }], "host-mac": "6e:0b:1c:2d:3e:4f", "interface-index": 14, "interface-name": "lxc5a1f3a2e8c0d", mac: "0a:58:0a:f4:00:39" },
      policy: policy(enabled, identity),
      state: "ready",
    },
  };
}

const host = {
  id: 412,
  spec: { "label-configuration": {}, options: {} },
  status: {
    "external-identifiers": {},
    identity: { id: 1, labels: ["reserved:host", "reserved:kube-apiserver"] },
    networking: { addressing: [{}] },
    policy: policy("none", 1),
    state: "ready",
  },
};

const health = {
  id: 3071,
  spec: { "label-configuration": {}, options: {} },
  status: { identity: { id: 4, labels: ["reserved:health"] }, networking: { addressing: [{ ipv4: "10.244.0.12" }] }, policy: policy("none", 4), state: "ready" },
};

/** The list with the app pod's endpoint in `enabled` mode, the sink's unselected, the host's and health's. */
export function endpointList(enabled = "egress", extra: object[] = []): string {
  const eps = [
    host,
    podEndpoint(1234, "test-dynamic", APP_POD, "secure-test-app", 20145, enabled),
    podEndpoint(987, "secretproof-sink", "exfil-sink-5f7c6d9b8-q8w2e", "exfil-sink", 31337, "none"),
    health,
    ...extra,
  ];
  return `${JSON.stringify(eps, null, 2)}\n\n`;
}
