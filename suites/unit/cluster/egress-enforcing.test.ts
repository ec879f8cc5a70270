import { describe, expect, it } from "vitest";
import { APP_SELECTOR, NS } from "../../../clusters/names.ts";
import { decideEgressEnforcing, judgeEgressEnforcing, parseEndpointList, runningPods, type EgressTarget } from "../../../harness/cluster/up/judges/egress-enforcing.ts";
import { ENDPOINT_LIST } from "../../../harness/cluster/up/probes/egress-enforcing.ts";
import { APP_POD, NEW_APP_POD, endpointList, podEndpoint } from "./egress-enforcing-samples.ts";

const target = (pods = [APP_POD]): EgressTarget => ({ namespace: NS.app, labels: APP_SELECTOR, pods });
const ran = (stdout: string, over = {}) => ({ command: ENDPOINT_LIST, exitCode: 0, stdout, stderr: "", ...over });
const decide = (stdout: string, pods?: string[]) => decideEgressEnforcing(ran(stdout), target(pods));

describe("network-enforcing: the app's egress policy is in Cilium's datapath before anything relies on it", () => {
  it("holds when the app pod's endpoint realizes egress enforcement (egress, or both)", () => {
    for (const mode of ["egress", "both"]) {
      const d = decide(endpointList(mode));
      expect(d.kind, d.detail).toBe("enforcing");
      expect(d.detail).toContain(`${APP_POD} (endpoint 1234, identity 20145): policy-enabled ${mode}`);
    }
  });

  it("is not yet while the policy has not reached the endpoint (none, or ingress only)", () => {
    for (const mode of ["none", "ingress"]) {
      const d = decide(endpointList(mode));
      expect(d).toEqual({ kind: "waiting", detail: expect.stringContaining(`policy-enabled ${mode}`) });
    }
  });

  it("refuses an endpoint in audit mode at once, naming it: denied packets would be forwarded", () => {
    for (const mode of ["audit-egress", "audit-both"]) {
      const d = decide(endpointList(mode));
      expect(d.kind).toBe("refused");
      expect(d.detail).toMatch(new RegExp(`policy-enabled ${mode}: the endpoint is in policy audit mode`));
    }
  });

  it("waits for every running app pod: a new pod without an endpoint yet, or one enforcing nothing, holds it back", () => {
    expect(decide(endpointList("egress"), [APP_POD, NEW_APP_POD])).toEqual({ kind: "waiting", detail: expect.stringContaining(`${NEW_APP_POD}: no Cilium endpoint yet`) });
    const fresh = podEndpoint(1301, NS.app, NEW_APP_POD, "secure-test-app", 20145, "none");
    expect(decide(endpointList("egress", [fresh]), [APP_POD, NEW_APP_POD]).kind).toBe("waiting");
    const enforced = podEndpoint(1301, NS.app, NEW_APP_POD, "secure-test-app", 20145, "egress");
    expect(decide(endpointList("egress", [enforced]), [APP_POD, NEW_APP_POD]).kind).toBe("enforcing");
  });

  it("does not count an endpoint whose identity lacks the app's labels (the policy selects on them)", () => {
    const other = podEndpoint(1302, NS.app, NEW_APP_POD, "something-else", 40001, "egress");
    const d = decide(endpointList("egress", [other]), [NEW_APP_POD]);
    expect(d.kind).toBe("waiting");
    expect(d.detail).toMatch(/identity labels lack the app's \(.*k8s:app.kubernetes.io\/name=something-else/);
  });

  it("is not yet with no running app pod, whatever the endpoints say", () => {
    expect(judgeEgressEnforcing([], target([]))).toEqual({ kind: "waiting", detail: `no running pod of the app in ${NS.app}` });
  });

  it("refuses a missing CLI or output that is not the endpoint list; another failure is not yet", () => {
    const missing = decideEgressEnforcing(ran("", { exitCode: 127, stderr: 'exec: "cilium-dbg": executable file not found in $PATH\n' }), target());
    expect(missing).toEqual({ kind: "refused", detail: expect.stringMatching(/`cilium-dbg endpoint list -o json` exited 127: exec: "cilium-dbg": executable file not found/) });
    expect(decide("ENDPOINT   POLICY (ingress)   POLICY (egress)\n1234       Disabled           Enabled\n").kind).toBe("refused");
    const restarting = 'Error: cannot get endpoint list: Get "http://localhost/v1/endpoint": dial unix /var/run/cilium/cilium.sock: connect: no such file or directory\n';
    expect(decideEgressEnforcing(ran("", { exitCode: 1, stderr: restarting }), target()).kind).toBe("waiting");
    expect(decideEgressEnforcing(ran("", { exitCode: 1, stderr: 'error: unable to upgrade connection: container not found ("cilium-agent")\n' }), target()).kind).toBe("waiting");
  });
});

describe("the endpoint list's parsing", () => {
  it("reads the JSON array, skipping a table header printed before it, and an empty list as none", () => {
    expect(parseEndpointList(endpointList())).toMatchObject({ endpoints: { length: 4 } });
    expect(parseEndpointList(`ENDPOINT   POLICY (ingress)   POLICY (egress)   IDENTITY\n           ENFORCEMENT        ENFORCEMENT\n${endpointList()}`)).toMatchObject({ endpoints: { length: 4 } });
    expect(parseEndpointList("null\n\n")).toEqual({ endpoints: [] });
  });

  it("names output that is not an array of endpoints", () => {
    expect(parseEndpointList("[\n  {\"id\": 1,\n")).toEqual({ error: expect.stringMatching(/^the output from line 1 is not JSON/) });
    expect(parseEndpointList("")).toEqual({ error: expect.stringMatching(/^no JSON array in the output/) });
  });
});

describe("running app pods", () => {
  it("are those Running and not being deleted", () => {
    const pods = [
      { metadata: { name: "a" }, status: { phase: "Running" } },
      { metadata: { name: "b", deletionTimestamp: new Date() }, status: { phase: "Running" } },
      { metadata: { name: "c" }, status: { phase: "Pending" } },
    ];
    expect(runningPods(pods)).toEqual(["a"]);
  });
});
