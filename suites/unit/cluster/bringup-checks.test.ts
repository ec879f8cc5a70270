import type { V1Pod, V1StatefulSet } from "@kubernetes/client-node";
import { stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { renderKindConfig } from "../../../clusters/kind/config.ts";
import { judgeResolution } from "../../../harness/cluster/up/judges/cluster-dns.ts";
import { kindReuseProblem } from "../../../harness/cluster/up/judges/kind-reuse.ts";
import { afterPasswordStreamFailed } from "../../../harness/cluster/up/judges/postgres-bootstrap.ts";
import { vaultPodStep } from "../../../harness/cluster/up/judges/vault-pod.ts";
import { vaultPodView } from "../../../harness/cluster/up/probes/vault-pod.ts";
import { PROFILES } from "../../../harness/profile.ts";

const sts = (updateRevision: string, observedGeneration = 2): V1StatefulSet => ({
  metadata: { name: "vault", generation: 2 },
  status: { replicas: 1, updateRevision, observedGeneration },
});
const vault0 = (revision: string, ready: boolean, deleting = false): V1Pod => ({
  metadata: {
    name: "vault-0",
    labels: { "controller-revision-hash": revision },
    ...(deleting ? { deletionTimestamp: new Date() } : {}),
  },
  status: { phase: "Running", conditions: [{ type: "Ready", status: ready ? "True" : "False" }] },
});

describe("vault-0 readiness, which helm --wait skips for an OnDelete StatefulSet", () => {
  it("goes on only when vault-0 is Ready at the StatefulSet's update revision", () => {
    expect(vaultPodStep(vaultPodView(sts("vault-7d9"), vault0("vault-7d9", true)))).toEqual({ done: true, value: "ready" });
  });

  it("waits while vault-0 is missing, being deleted, or not Ready", () => {
    expect(vaultPodStep(vaultPodView(sts("vault-7d9"), undefined))).toEqual({ done: false, state: "no pod vault-0 yet" });
    expect(vaultPodStep(vaultPodView(undefined, vault0("vault-7d9", true))).done).toBe(false);
    expect(vaultPodStep(vaultPodView(sts("vault-7d9"), vault0("vault-7d9", true, true))).done).toBe(false);
    expect(vaultPodStep(vaultPodView(sts("vault-7d9"), vault0("vault-7d9", false)))).toEqual({ done: false, state: "vault-0 is Running, not Ready" });
  });

  it("trusts the update revision only once the controller has observed the StatefulSet's current spec", () => {
    expect(vaultPodStep(vaultPodView(sts("vault-7d9", 1), vault0("vault-7d9", true)))).toEqual({
      done: false,
      state: "StatefulSet vault not yet observed by its controller at its current generation",
    });
  });

  it("replaces a vault-0 left on an older template, even a Ready one", () => {
    const step = vaultPodStep(vaultPodView(sts("vault-8a1"), vault0("vault-7d9", true)));
    expect(step.done).toBe(false);
    expect(step.replace).toBe("vault-0 runs revision vault-7d9, the StatefulSet's template is vault-8a1 (updateStrategy OnDelete)");
  });
});

describe("cluster DNS before Vault verifies its database connection", () => {
  it("is proven when the name resolves to the Service's cluster IP", () => {
    const out = { exitCode: 0, stdout: "10.96.211.7     postgres.postgres.svc.cluster.local\n" };
    expect(judgeResolution(out, "10.96.211.7")).toEqual({ done: true, value: "10.96.211.7" });
  });

  it("is not proven when getent finds nothing (exit 2) or another address", () => {
    expect(judgeResolution({ exitCode: 2, stdout: "" }, "10.96.211.7")).toEqual({ done: false, state: "getent hosts postgres.postgres.svc exited 2" });
    expect(judgeResolution({ exitCode: 0, stdout: "10.244.0.9 postgres.postgres.svc.cluster.local\n" }, "10.96.211.7")).toEqual({
      done: false,
      state: "postgres.postgres.svc resolved to 10.244.0.9, the Service's IP is 10.96.211.7",
    });
  });
});

describe("reusing a kind cluster", () => {
  const render = (nodeImage: string, dir = "/home/u/.secretproof/secretproof/encryption") =>
    stringify(renderKindConfig({ clusterName: "secretproof", versions, profile: PROFILES.ci, encryptionHostDir: dir }), { lineWidth: 0 }).replace(versions.kind.nodeImage, nodeImage);
  const now = render(versions.kind.nodeImage);

  it("is allowed when it was created from the config rendered now", () => {
    expect(kindReuseProblem("secretproof", now, now)).toBeUndefined();
  });

  it("is refused when the config differs, naming what differs and the way out", () => {
    const problem = kindReuseProblem("secretproof", render("kindest/node:v1.34.3"), now);
    expect(problem).toMatch(/^kind cluster secretproof was created from a config \(sha256 [0-9a-f]{12}\) other than the one rendered now/);
    expect(problem).toContain("run `secretproof down`");
    expect(problem).toContain(`nodes[0].image: "kindest/node:v1.34.3" -> ${JSON.stringify(versions.kind.nodeImage)}`);
  });

  it("names a difference inside a kubeadm patch by its path in the patch", () => {
    const old = now.replace("encryption-provider-config: /etc/kubernetes/encryption/", "encryption-provider-config: /etc/kubernetes/enc/");
    expect(old).not.toBe(now);
    expect(kindReuseProblem("secretproof", old, now)).toContain("nodes[0].kubeadmConfigPatches[0]: apiServer.extraArgs.encryption-provider-config:");
  });

  it("is refused when no config was recorded at creation", () => {
    expect(kindReuseProblem("secretproof", undefined, now)).toMatch(/there is no record of the config it was created from: run `secretproof down`/);
  });

  it("is allowed when the recorded text differs only in layout", () => {
    expect(kindReuseProblem("secretproof", `# recorded\n${now}`, now)).toBeUndefined();
  });
});

describe("streaming Postgres' bootstrap password when the init container finished meanwhile", () => {
  it("goes on when the pod moved past the init container, fails when it still waits or is gone", () => {
    expect(afterPasswordStreamFailed("starting")).toBe("continue");
    expect(afterPasswordStreamFailed("ready")).toBe("continue");
    expect(afterPasswordStreamFailed("awaiting-password")).toBe("fail");
    expect(afterPasswordStreamFailed("absent")).toBe("fail");
  });
});
