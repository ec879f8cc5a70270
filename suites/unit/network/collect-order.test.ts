import { describe, expect, it } from "vitest";
import { APP, NS } from "../../../clusters/names.ts";
import { checkedFirst } from "../../../harness/claims/network/checked-first.ts";
import { collectN1 } from "../../../harness/claims/network/collect-run.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { APP_POD, CLIENT_POD, SINK_POD, T0, dropLine } from "./samples.ts";

const later = <T>(ms: number, v: T, fail = false) => new Promise<T>((ok, no) => setTimeout(() => (fail ? no(v) : ok(v)), ms));

describe("N1's upstream checks and look-ups, run together", () => {
  it("resolve in argument order whatever finishes first", async () => {
    await expect(checkedFirst(later(20, "checks"), later(1, 1), later(10, true))).resolves.toEqual(["checks", 1, true]);
  });

  it("report a failed check before a look-up's failure, even when the look-up failed first", async () => {
    await expect(checkedFirst(later(20, new Error("enforcement mode is never"), true), later(1, new Error("no policy"), true))).rejects.toThrow("enforcement mode is never");
    await expect(checkedFirst(later(1, "ok"), later(20, new Error("no sink pod"), true), later(1, new Error("no client pod"), true))).rejects.toThrow("no sink pod");
  });
});

const running = (name: string, labels: Record<string, string>, ip: string) => ({
  metadata: { name, uid: `uid-${name}`, labels },
  spec: { containers: [{ name: APP.container, image: "app" }] },
  status: { phase: "Running", podIP: ip, containerStatuses: [{ name: APP.container, containerID: "containerd://1", restartCount: 0, ready: true }] },
});

/** A kubectl that answers N1's reads as a healthy cluster would (or fails the ones named), and records every call. */
function fakeKube(o: { config?: Record<string, string>; failReads?: RegExp } = {}) {
  const calls: string[] = [];
  const answers: [RegExp, unknown][] = [
    [/get configmap cilium-config/, { data: o.config ?? { "enable-policy": "default", "enable-hubble": "true" } }],
    [/get ciliumnetworkpolicies/, { kind: "CiliumNetworkPolicy", metadata: { name: "secure-test-app-egress" } }],
    [/get deployment/, { spec: { selector: { matchLabels: { "app.kubernetes.io/name": "secure-test-app" } } } }],
    [/get pods -l app.kubernetes.io\/name=secure-test-app/, { items: [running(APP_POD, { "app.kubernetes.io/name": "secure-test-app" }, "10.244.0.57")] }],
    [/get pod secure/, { status: { podIP: "10.244.0.57" } }],
    [/exfil-sink$/, { items: [running(SINK_POD, {}, "10.244.0.91")] }],
    [/exfil-client$/, { items: [running(CLIENT_POD, {}, "10.244.0.92")] }],
  ];
  const kube = {
    context: "kind-secretproof",
    json: async (args: readonly string[]) => {
      const line = args.join(" ");
      calls.push(`json ${line}`);
      if (o.failReads?.test(line)) throw new Error(`kubectl ${line}: refused`);
      const hit = answers.find(([re]) => re.test(line));
      if (!hit) throw new Error(`unexpected read ${line}`);
      return hit[1];
    },
    exec: async (namespace: string, target: string, command: readonly string[]): Promise<ExecResult> => {
      calls.push(`exec ${namespace}/${target} ${command.join(" ")}`);
      return { command: command.join(" "), exitCode: 0, stdout: `${dropLine(T0)}\n`, stderr: "", startedAt: new Date().toISOString(), durationMs: 1 };
    },
  } as unknown as Kubectl;
  return { kube, calls };
}

describe("collectN1's order", () => {
  it("looks up the policy and the pods beside the upstream checks, and names a failed check first, nothing run in the app pod", async () => {
    const { kube, calls } = fakeKube({ config: { "enable-policy": "never", "enable-hubble": "true" }, failReads: /ciliumnetworkpolicies|get deployment/ });
    await expect(collectN1({ kube, kubeContext: kube.context, profile: PROFILES.ci })).rejects.toThrow(/policy enforcement mode is default .*enable-policy is "never"/);
    expect(calls.filter((c) => c.startsWith("json")).length).toBeGreaterThanOrEqual(3);
    expect(calls.some((c) => c.includes("ciliumnetworkpolicies"))).toBe(true);
    expect(calls.filter((c) => c.startsWith(`exec ${NS.app}/`))).toEqual([]);
  });

  it("fails a look-up by its own message once the checks hold", async () => {
    const { kube } = fakeKube({ failReads: /exfil-client$/ });
    await expect(collectN1({ kube, kubeContext: kube.context, profile: PROFILES.ci })).rejects.toThrow(/exfil-client: refused/);
  });

  it("once stopped, starts nothing after its reads: no port-forward, no attempt in the app pod", async () => {
    const { kube, calls } = fakeKube();
    const stop = new AbortController();
    stop.abort(new Error("N1's collection passed its deadline"));
    await expect(collectN1({ kube, kubeContext: kube.context, profile: PROFILES.ci, signal: stop.signal })).rejects.toThrow("N1's collection passed its deadline");
    expect(calls.filter((c) => c.startsWith("exec")).map((c) => c.split(" ")[1])).toEqual(["kube-system/ds/cilium"]);
  });
});
