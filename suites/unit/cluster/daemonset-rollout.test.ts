import type { V1DaemonSet, V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { chartFullname, renderReleases } from "../../../clusters/helm/releases.ts";
import { versions } from "../../../clusters/versions.ts";
import {
  daemonSetRolloutFailure,
  daemonSetSelector,
  daemonSetsRolledOut,
  describeDaemonSetStatus,
  describePodState,
} from "../../../harness/cluster/up/probes/daemonset-rollout.ts";
import { generateVaultRootToken } from "../../../harness/cluster/state/vault-root-token.ts";
import { ExecError } from "../../../harness/core/exec.ts";
import type { KubeClient } from "../../../harness/kube/client.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { summarizePod } from "../../../harness/kube/pod-summary.ts";
import { PROFILES } from "../../../harness/profile.ts";

const releases = renderReleases({
  clusterName: "secretproof",
  profile: PROFILES.ci,
  versions,
  secrets: { vaultRootToken: generateVaultRootToken() },
  falcoRules: "- rule: x\n",
});

/** A Falco pod crash-looping after falcoctl installed its artifacts, as the API returns it (status fields omitted when empty). */
const crashingFalco: V1Pod = {
  metadata: { name: "falco-x7k2p", namespace: "falco", labels: { "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco" } },
  status: {
    phase: "Running",
    conditions: [
      { type: "Initialized", status: "True" },
      { type: "Ready", status: "False", reason: "ContainersNotReady" },
    ],
    initContainerStatuses: [
      {
        name: "falcoctl-artifact-install",
        ready: true,
        restartCount: 0,
        image: "docker.io/falcosecurity/falcoctl:0.11.4",
        imageID: "",
        state: { terminated: { exitCode: 0, reason: "Completed" } },
      },
    ],
    containerStatuses: [
      {
        name: "falco",
        ready: false,
        restartCount: 5,
        image: "docker.io/falcosecurity/falco:0.44.1",
        imageID: "",
        state: { waiting: { reason: "CrashLoopBackOff", message: "back-off 2m40s restarting failed container=falco" } },
      },
    ],
  },
};

/** The falco DaemonSet right after `helm --wait` returned on one node: numberAvailable is omitted (0). */
const falcoDs: V1DaemonSet = {
  metadata: { name: "falco", namespace: "falco", generation: 1 },
  spec: {
    selector: { matchLabels: { "app.kubernetes.io/name": "falco", "app.kubernetes.io/instance": "falco" } },
    template: {},
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1 } },
  },
  status: { currentNumberScheduled: 1, desiredNumberScheduled: 1, numberMisscheduled: 0, numberReady: 0, numberUnavailable: 1, observedGeneration: 1, updatedNumberScheduled: 1 },
};

describe("the DaemonSets bring-up waits for after helm", () => {
  it("are the ones the pinned charts create: falco, the CSI driver, the Vault CSI provider and the Tetragon agent", () => {
    const wanted = Object.values(releases).flatMap((r) => r.pods.daemonSets.map((d) => `${r.pods.namespace}/${d}`));
    expect(wanted).toEqual(["kube-system/tetragon", "falco/falco", "kube-system/secrets-store-csi-driver", "vault/vault-csi-provider"]);
  });

  it("are named by the charts' fullname rule: the release name when it contains the chart name, else release-chart", () => {
    expect(chartFullname("falco", "falco", {})).toBe("falco");
    expect(chartFullname("secretproof", "vault", {})).toBe("secretproof-vault");
    expect(chartFullname("my-vault", "vault", {})).toBe("my-vault");
    expect(chartFullname("r", "falco", { nameOverride: "sensor" })).toBe("r-sensor");
    expect(chartFullname("r", "falco", { fullnameOverride: "agent" })).toBe("agent");
    expect(chartFullname("x".repeat(62), "chart", {})).toBe("x".repeat(62));
    expect(chartFullname(`${"x".repeat(62)}-`, "x", {})).toBe("x".repeat(62));
  });

  it("keep the charts' RollingUpdate strategy, without which kubectl rollout status refuses to wait", () => {
    const overridden = (v: unknown): boolean =>
      typeof v === "object" && v !== null && Object.entries(v).some(([k, x]) => k === "updateStrategy" || overridden(x));
    for (const r of Object.values(releases).filter((x) => x.pods.daemonSets.length)) expect(overridden(r.values), r.name).toBe(false);
  });
});

describe("a DaemonSet that does not roll out", () => {
  it("is reported with its counts and each pod's containers, restarts and states", () => {
    const msg = daemonSetRolloutFailure({
      namespace: "falco",
      name: "falco",
      timeoutMs: 300_000,
      ds: falcoDs,
      pods: [summarizePod(crashingFalco)],
      kubectl: 'Waiting for daemon set "falco" rollout to finish: 0 of 1 updated pods are available...',
    });
    expect(msg).toContain("DaemonSet falco/falco did not roll out within 5m");
    expect(msg).toContain("desired 1, updated 1, ready 0, available 0 (generation 1, observed 1, RollingUpdate)");
    expect(msg).toContain("helm --wait counts a one-node DaemonSet ready with maxUnavailable (1) pods not ready");
    expect(msg).toContain(
      "falco-x7k2p Running, not ready [init falcoctl-artifact-install terminated:Completed/0 ready; falco waiting:CrashLoopBackOff (5 restarts)]",
    );
  });

  it("says so when the DaemonSet cannot be read or has no pods", () => {
    expect(describeDaemonSetStatus(undefined)).toBe("the DaemonSet could not be read");
    expect(daemonSetRolloutFailure({ namespace: "vault", name: "vault-csi-provider", timeoutMs: 1000, ds: undefined, pods: [], kubectl: "x" })).toMatch(
      /pods: none found$/,
    );
  });

  it("has its pods found by the DaemonSet's own selector", () => {
    expect(daemonSetSelector(falcoDs)).toBe("app.kubernetes.io/name=falco,app.kubernetes.io/instance=falco");
    expect(daemonSetSelector(undefined)).toBeUndefined();
  });

  it("fails the wait naming the DaemonSet, kubectl's last line and its pods' states", async () => {
    const stdout = 'Waiting for daemon set "falco" rollout to finish: 0 of 1 updated pods are available...\n';
    const timedOut = new ExecError("kubectl … rollout status daemonset/falco exited 1", { command: "kubectl", stdout, stderr: "error: timed out waiting for the condition\n" });
    const asked: string[] = [];
    const k = { rolloutStatus: async () => Promise.reject(timedOut) } as unknown as Kubectl;
    const kube = {
      apps: { readNamespacedDaemonSet: async () => falcoDs },
      pods: async (_ns: string, selector?: string) => {
        asked.push(selector ?? "");
        return [summarizePod(crashingFalco)];
      },
    } as unknown as KubeClient;
    const err = (await daemonSetsRolledOut(k, kube, "falco", ["falco"], 300_000).catch((e: unknown) => e)) as Error;
    expect(err.message).toContain("DaemonSet falco/falco did not roll out");
    expect(err.message).toContain('kubectl: Waiting for daemon set "falco" rollout to finish: 0 of 1 updated pods are available...');
    expect(err.message).toContain("falco waiting:CrashLoopBackOff (5 restarts)");
    expect(err.cause).toBe(timedOut);
    expect(asked).toEqual(["app.kubernetes.io/name=falco,app.kubernetes.io/instance=falco"]);
  });

  it("is a single line per pod even without container statuses (pod still Pending)", () => {
    expect(describePodState(summarizePod({ metadata: { name: "p" }, status: { phase: "Pending" } }))).toBe("p Pending, not ready");
  });
});
