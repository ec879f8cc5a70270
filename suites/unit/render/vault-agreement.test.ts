import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { planStack } from "../../../harness/cluster/render/plan.ts";
import { appIdentity, credsPath, postgresTarget, renderVaultDefinitions, vaultNames } from "../../../fixtures/vault/definitions.ts";
import { sampleInputs } from "./fixture-inputs.ts";

describe("the cluster and the Vault definitions name the same things", () => {
  const plan = planStack(sampleInputs());
  const spc = plan.app.secretProviderClass;
  const objects = parse(spc.spec.parameters.objects!) as { objectName: string; secretPath: string }[];

  it("the SecretProviderClass logs in with the auth role Vault binds to the app and reads its creds path", () => {
    const k8sRole = renderVaultDefinitions(plan.configureVault.profile).kubernetesRole;
    expect(k8sRole.path).toBe(`auth/kubernetes/role/${spc.spec.parameters.roleName}`);
    expect(spc.spec.parameters.audience).toBe(k8sRole.body.audience);
    expect(objects.map((o) => o.secretPath)).toEqual([credsPath, credsPath]);
    expect(k8sRole.body.bound_service_account_namespaces).toEqual([spc.metadata.namespace]);
    const sa = plan.app.deployment.spec!.template.spec!.serviceAccountName;
    expect(k8sRole.body.bound_service_account_names).toEqual([sa]);
  });

  it("object names, mount path, namespace and SecretProviderClass name agree", () => {
    expect(objects.map((o) => o.objectName)).toEqual([appIdentity.objects.username, appIdentity.objects.password]);
    const pod = plan.app.deployment.spec!.template.spec!;
    expect(pod.containers[0]!.volumeMounts!.map((m) => m.mountPath)).toEqual([appIdentity.mountPath]);
    expect(plan.app.deployment.metadata!.namespace).toBe(appIdentity.namespace);
    expect(spc.metadata.name).toBe(appIdentity.secretProviderClass);
  });

  it("Vault connects to the Postgres the cluster runs", () => {
    expect(plan.configureVault.postgres).toMatchObject(postgresTarget);
    expect(vaultNames.databaseMount).toBe("database");
  });

  it("Vault's Kubernetes auth is configured, against the API server's in-cluster name", () => {
    expect(plan.configureVault.kubernetes).toEqual({ host: "https://kubernetes.default.svc:443" });
  });
});
