import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { APP, ENCRYPTION, POSTGRES } from "../../../clusters/names.ts";
import { planStack } from "../../../harness/cluster/render/plan.ts";
import { loadProfile } from "../../../harness/profile.ts";
import { MANAGED_BY } from "../../../clusters/names.ts";
import { SAMPLE_RULES, sampleInputs } from "./fixture-inputs.ts";

describe("the kind cluster", () => {
  const plan = planStack(sampleInputs());
  const node = plan.kindConfig.nodes[0]!;

  it("has one node, no default CNI and no kube-proxy, so Cilium is the only datapath", () => {
    expect(plan.kindConfig.nodes).toHaveLength(1);
    expect(plan.kindConfig.networking).toEqual({ disableDefaultCNI: true, kubeProxyMode: "none" });
    expect(node.image).toBe(versions.kind.nodeImage);
    expect(node.image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });

  it("mounts the host's /proc at /procHost, where Tetragon is told to look", () => {
    expect(node.extraMounts).toContainEqual({ hostPath: "/proc", containerPath: "/procHost" });
    expect(plan.releases.tetragon.values).toMatchObject({ tetragon: { hostProcPath: "/procHost" } });
  });

  it("starts the API server with the EncryptionConfiguration it mounts read-only", () => {
    const patch = parse(node.kubeadmConfigPatches[0]!) as {
      apiVersion?: string;
      apiServer: { extraArgs: Record<string, string>; extraVolumes: { hostPath: string; mountPath: string; readOnly: boolean }[] };
    };
    expect(patch.apiVersion).toBeUndefined();
    const file = patch.apiServer.extraArgs["encryption-provider-config"]!;
    expect(file).toBe(`${ENCRYPTION.nodeDir}/${ENCRYPTION.fileName}`);
    const vol = patch.apiServer.extraVolumes.find((v) => file.startsWith(`${v.mountPath}/`));
    expect(vol).toMatchObject({ hostPath: ENCRYPTION.nodeDir, readOnly: true });
    expect(node.extraMounts).toContainEqual({ hostPath: "/home/u/.secretproof/secretproof/encryption", containerPath: vol!.hostPath, readOnly: true });
  });

  it("encrypts Secrets with aescbc under the cluster's own key, identity only for reading old data", () => {
    const inputs = sampleInputs();
    const enc = planStack(inputs).encryptionConfig.resources;
    expect(enc).toEqual([
      {
        resources: ["secrets"],
        providers: [{ aescbc: { keys: [{ name: "key1", secret: inputs.secrets.encryptionKey }] } }, { identity: {} }],
      },
    ]);
  });
});

describe("the charts", () => {
  const inputs = sampleInputs();
  const r = planStack(inputs).releases;

  it("Cilium replaces kube-proxy and reaches the API server by the node's name", () => {
    expect(r.cilium.values).toEqual({
      kubeProxyReplacement: true,
      k8sServiceHost: "secretproof-control-plane",
      k8sServicePort: 6443,
      ipam: { mode: "kubernetes" },
      operator: { replicas: 1 },
      image: { pullPolicy: "IfNotPresent" },
    });
  });

  it("Falco uses modern eBPF, JSON output, the project's rules, and pinned falcoctl refs", () => {
    expect(r.falco.values).toMatchObject({
      driver: { kind: "modern_ebpf", modernEbpf: { dropFailedExit: false } },
      falco: { json_output: true },
      customRules: { "secretproof-rules.yaml": SAMPLE_RULES },
      collectors: { containerEngine: { pluginRef: versions.falco.containerPluginRef } },
      falcoctl: { artifact: { follow: { enabled: false } }, config: { artifact: { install: { refs: [versions.falco.rulesRef, versions.falco.containerPluginRef] } } } },
    });
  });

  it("the CSI driver rotates at the profile's interval and never syncs into a Secret", () => {
    for (const name of ["ci", "faithful"] as const) {
      const profile = loadProfile(name);
      expect(planStack(sampleInputs({ profile })).releases["secrets-store-csi-driver"].values).toEqual({
        syncSecret: { enabled: false },
        enableSecretRotation: true,
        rotationPollInterval: profile.csi.rotationPollInterval,
      });
    }
  });

  it("Vault runs in dev mode with the cluster's generated root token, the CSI provider on and the injector off", () => {
    expect(r.vault.values).toEqual({
      injector: { enabled: false },
      server: { dev: { enabled: true, devRootToken: inputs.secrets.vaultRootToken }, image: { repository: "hashicorp/vault", tag: "2.0.4" } },
      csi: {
        enabled: true,
        image: { repository: "hashicorp/vault-csi-provider", tag: "1.7.4" },
        agent: { image: { repository: "hashicorp/vault", tag: "2.0.4" } },
      },
    });
  });

  it("every chart is pinned to the version in clusters/versions.ts", () => {
    expect(Object.values(r).map((x) => x.chart)).toEqual(
      expect.arrayContaining(Object.values(versions.charts)),
    );
  });
});

describe("the app", () => {
  const plan = planStack(sampleInputs());
  const pod = plan.app.deployment.spec!.template.spec!;
  const web = pod.containers[0]!;

  it("runs python app.py as PID 1, non-root with the image's UID, on a read-only root filesystem", () => {
    expect(web.name).toBe("web");
    expect(web.command).toEqual(["python", "app.py"]);
    expect(web.args).toBeUndefined();
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: APP.uid, runAsGroup: APP.uid });
    expect(web.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } });
    expect(web.image).toBe(versions.images.app);
    expect(web.imagePullPolicy).toBe("Never");
  });

  it("gets its credential only from a read-only CSI volume at /mnt/secrets", () => {
    expect(web.volumeMounts).toEqual([{ name: "secrets-store", mountPath: "/mnt/secrets", readOnly: true }]);
    expect(pod.volumes).toEqual([
      { name: "secrets-store", csi: { driver: "secrets-store.csi.k8s.io", readOnly: true, volumeAttributes: { secretProviderClass: "vault-dynamic-creds" } } },
    ]);
    expect(JSON.stringify(web.env)).not.toMatch(/secretKeyRef|PASSWORD/i);
    expect(web.envFrom).toBeUndefined();
  });

  it("reads username and password from one Vault path, as one YAML string, through the in-cluster Vault", () => {
    const p = plan.app.secretProviderClass.spec.parameters;
    expect(p).toMatchObject({ vaultAddress: "http://vault.vault:8200", roleName: "secure-app-dynamic", audience: "vault" });
    expect(typeof p.objects).toBe("string");
    expect(parse(p.objects!)).toEqual([
      { objectName: "db-username", secretPath: "database/creds/secure-app-dynamic", secretKey: "username" },
      { objectName: "db-password", secretPath: "database/creds/secure-app-dynamic", secretKey: "password" },
    ]);
  });

  it("is reached through secure-test-app-svc, port 80 to 8080", () => {
    expect(plan.app.service.spec!.ports).toEqual([{ name: "http", port: 80, targetPort: "http" }]);
    expect(web.ports).toEqual([{ name: "http", containerPort: 8080 }]);
    expect(plan.app.service.spec!.selector).toEqual(plan.app.deployment.spec!.selector.matchLabels);
  });
});

describe("Postgres and labels", () => {
  const inputs = sampleInputs();
  const plan = planStack(inputs);

  it("never puts the bootstrap password in a Kubernetes object", () => {
    const objects = JSON.stringify([plan.namespaces, plan.postgres, plan.app]);
    expect(objects).not.toContain(inputs.secrets.postgresBootstrapPassword);
    expect(objects).not.toMatch(/"kind":"Secret"|secretKeyRef|"POSTGRES_PASSWORD"/);
    const env = plan.postgres.statefulSet.spec!.template.spec!.containers[0]!.env!;
    expect(env).toContainEqual({ name: "POSTGRES_PASSWORD_FILE", value: POSTGRES.bootstrapFile });
    expect(plan.postgres.statefulSet.spec!.template.spec!.volumes).toContainEqual({
      name: "bootstrap",
      emptyDir: { medium: "Memory", sizeLimit: "1Mi" },
    });
  });

  it("never has Postgres log a failed statement's text, where Vault's passwords would be", () => {
    const args = plan.postgres.statefulSet.spec!.template.spec!.containers[0]!.args ?? [];
    expect(args.join(" ")).toContain("-c log_min_error_statement=panic");
  });

  it("runs postgres-0 from the pinned image behind Service postgres", () => {
    const sts = plan.postgres.statefulSet;
    expect(sts.metadata).toMatchObject({ name: "postgres", namespace: "postgres" });
    expect(sts.spec!.template.spec!.containers[0]!.image).toBe(versions.images.postgres);
    expect(plan.postgres.service.metadata).toMatchObject({ name: "postgres", namespace: "postgres" });
  });

  it("labels every object it creates as managed by secretproof", () => {
    const objects = [...plan.namespaces, plan.postgres.service, plan.postgres.statefulSet, ...Object.values(plan.app)];
    for (const o of objects) expect(o.metadata?.labels, `${o.kind}/${o.metadata?.name}`).toMatchObject(MANAGED_BY);
  });
});
