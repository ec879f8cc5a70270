import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { renderAppService } from "../../../fixtures/manifests/app.ts";
import { renderAppDeployment } from "../../../fixtures/manifests/app-deployment.ts";
import { APP } from "../../../clusters/names.ts";
import { agentPodOn, falcoOptions, streamSource, type AgentPodJson } from "../../../harness/attack/agent-stream.ts";
import { findAppPod, podState } from "../../../harness/attack/app-pod.ts";
import { kindWhere, type AgentWhere } from "../../../harness/attack/where.ts";
import { auditWhere } from "../../../harness/audit/attack-where.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { falcoLogArgs } from "../../../harness/falco/collector.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit/kubectl");
const fixture = <T>(name: string) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as T;
const START = Date.parse("2026-03-02T10:00:00.000Z");
const SINCE = ["--since-time=2026-03-02T10:00:00.000Z", "--tail=-1"];

/** Answers `kubectl get … -o json` from recorded lists, recording what was asked. */
function recorded(answers: Record<string, unknown>): Pick<Kubectl, "json"> & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    json: async <T>(args: readonly string[]) => {
      const cmd = args.join(" ");
      asked.push(cmd);
      if (!(cmd in answers)) throw new Error(`unexpected kubectl ${cmd}`);
      return answers[cmd] as T;
    },
  };
}

const workloadPods = fixture<{ items: object[] }>("workload-pods.json");
const deployment = fixture<object>("deployment.json");
const onePod = { ...workloadPods, items: workloadPods.items.slice(0, 1) };

describe("the kind stack's names, as the suites have always used them", () => {
  it("the app is what the stack deploys: the rendered Deployment's namespace, name, container and CSI mount, the rendered Service's name and port, the SecretProviderClass's files", () => {
    const d = renderAppDeployment("secure-test-app:test");
    const svc = renderAppService();
    const container = d.spec?.template.spec?.containers.find((c) => c.name === kindWhere().app.container);
    const csi = d.spec?.template.spec?.volumes?.find((v) => v.csi)?.name;
    const mount = container?.volumeMounts?.find((m) => m.name === csi)?.mountPath;
    const w = kindWhere().app;
    expect({ namespace: w.namespace, name: w.name, kind: w.kind, mountPath: w.mountPath }).toEqual({ namespace: d.metadata?.namespace, name: d.metadata?.name, kind: d.kind, mountPath: mount });
    expect(w.service).toEqual({ name: svc.metadata?.name, port: svc.spec?.ports?.[0]?.port });
    expect(w.files).toEqual([APP.usernameObject, APP.passwordObject]);
    expect(w.replicas).toBe("one");
  });

  it("the Falco stream follows every pod of the chart's selector, the same command as before", async () => {
    const src = await streamSource(recorded({}), kindWhere().falco, "secretproof-control-plane", "Falco");
    expect(falcoLogArgs(falcoOptions("kind-secretproof", src), START)).toEqual([
      "--context", "kind-secretproof", "logs", "-f", "-n", "falco", "-l", "app.kubernetes.io/name=falco", "-c", "falco", ...SINCE,
    ]);
    expect(falcoLogArgs({ kubeContext: "kind-secretproof" }, START)).toEqual(falcoLogArgs(falcoOptions("kind-secretproof", src), START));
  });

  it("the app pod is found through the Deployment's selector with the same two gets, and must be the only live one", async () => {
    const kube = recorded({ "-n test-dynamic get deployment secure-test-app": deployment, "-n test-dynamic get pods -l app.kubernetes.io/name=secure-test-app": onePod });
    const pod = await findAppPod(kube);
    expect(kube.asked).toEqual(["-n test-dynamic get deployment secure-test-app", "-n test-dynamic get pods -l app.kubernetes.io/name=secure-test-app"]);
    expect(pod).toMatchObject({ namespace: "test-dynamic", name: "secure-test-app-7c9d8b5f6d-4x2kq", container: "web", nodeName: "secretproof-worker" });
    const two = recorded({ "-n test-dynamic get deployment secure-test-app": deployment, "-n test-dynamic get pods -l app.kubernetes.io/name=secure-test-app": workloadPods });
    await expect(findAppPod(two)).rejects.toThrow("expected exactly one running pod of secure-test-app (selector app.kubernetes.io/name=secure-test-app), found secure-test-app-7c9d8b5f6d-4x2kq, secure-test-app-7c9d8b5f6d-9mzt7");
  });
});

describe("another cluster's names", () => {
  const app = { ...kindWhere().app, replicas: "any" as const };

  it("with several replicas, the first live pod by name is attacked", async () => {
    const kube = recorded({ "-n test-dynamic get deployment secure-test-app": deployment, "-n test-dynamic get pods -l app.kubernetes.io/name=secure-test-app": workloadPods });
    expect((await findAppPod(kube, app)).name).toBe("secure-test-app-7c9d8b5f6d-4x2kq");
  });

  it("a StatefulSet is read as a statefulset, and its pod's state in its own namespace and container", async () => {
    const sts = { ...app, kind: "StatefulSet" as const, namespace: "payments", name: "ledger", container: "web" };
    const pods = { items: workloadPods.items.map((p) => ({ ...(p as object), metadata: { ...(p as { metadata: object }).metadata, namespace: "payments" } })) };
    const kube = recorded({ "-n payments get statefulset ledger": deployment, "-n payments get pods -l app.kubernetes.io/name=secure-test-app": pods, "-n payments get pod secure-test-app-7c9d8b5f6d-9mzt7": pods.items[1] });
    expect((await findAppPod(kube, sts)).namespace).toBe("payments");
    expect(await podState(kube, "secure-test-app-7c9d8b5f6d-9mzt7", sts)).toMatchObject({ namespace: "payments", nodeName: "secretproof-worker2", container: "web" });
  });

  const falcoOnNode: AgentWhere = { namespace: "falco", selector: "app.kubernetes.io/name=falco", container: "falco", follow: { onNode: true } };
  const falcoPods = fixture<{ items: AgentPodJson[] }>("falco-pods.json");

  it("an agent followed on the node reads the Ready pod on the attacked pod's node", async () => {
    const kube = recorded({ "-n falco get pods -l app.kubernetes.io/name=falco": falcoPods });
    const src = await streamSource(kube, falcoOnNode, "secretproof-worker", "Falco");
    expect(src).toEqual({ namespace: "falco", container: "falco", pod: "falco-2kd8v" });
    expect(falcoLogArgs(falcoOptions("prod", src), START)).toEqual(["--context", "prod", "logs", "-f", "-n", "falco", "pod/falco-2kd8v", "-c", "falco", ...SINCE]);
  });

  it("no Ready agent on the node is an error naming the node and what runs there", () => {
    expect(() => agentPodOn(falcoPods.items, falcoOnNode, "secretproof-worker2", "Falco")).toThrow(
      "no Ready Falco pod (app.kubernetes.io/name=falco, container falco) in falco on node secretproof-worker2: found falco-7qj4m (phase Running)",
    );
    expect(() => agentPodOn(falcoPods.items, falcoOnNode, "node-9", "Falco")).toThrow(/on node node-9: found none$/);
    expect(() => agentPodOn(falcoPods.items, falcoOnNode, undefined, "Falco")).toThrow("the attacked pod has no node yet");
  });
});

describe("an audit target's names", () => {
  it("the kind target gives the suites' names, with any replica attacked, the agents read on the pod's node and Falco's config not read", () => {
    const kind = kindWhere();
    const w = auditWhere(kindTarget("secretproof"));
    expect(w.app).toEqual({ ...kind.app, replicas: "any" });
    expect(w.falco).toEqual({ ...kind.falco, follow: { onNode: true }, checkConfig: false });
    expect(w.tetragon).toEqual({ ...kind.tetragon, follow: { onNode: true } });
  });

  it("a target without a Service is not probed, without Tetragon has no Tetragon, and without Falco cannot be attacked", () => {
    const t = kindTarget("secretproof");
    const bare = { ...t, workload: { namespace: "payments", kind: "StatefulSet" as const, name: "ledger", container: "api" }, tetragon: { absent: true as const } };
    const w = auditWhere(bare);
    expect(w.app.service).toBeUndefined();
    expect(w.app.kind).toBe("StatefulSet");
    expect(w.tetragon).toBeUndefined();
    expect(() => auditWhere({ ...bare, falco: { absent: true } })).toThrow("Falco is absent (target.falco.absent)");
  });
});
