import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { planStack } from "../../../harness/cluster/render/plan.ts";
import { describeSteps } from "../../../harness/cluster/commands/render-command.ts";
import { APP_MANIFEST, appManifest, renderFiles, writeFiles } from "../../../harness/cluster/render/render.ts";
import { renderAppDeployment } from "../../../fixtures/manifests/app-deployment.ts";
import { IMAGE_ID_ANNOTATION } from "../../../fixtures/manifests/app.ts";
import { generateSecrets, PLACEHOLDER_SECRETS } from "../../../harness/cluster/state/secrets.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { knownClusterSecrets } from "../../../harness/report/known-secrets.ts";
import { scanForKnown, scanForSecrets } from "../../../harness/report/secret-scan.ts";
import { planProblems } from "../../../harness/cluster/render/check-plan.ts";
import { sampleInputs } from "./fixture-inputs.ts";

describe("render (what up would apply, for review)", () => {
  const placeholderPlan = planStack(sampleInputs({ secrets: PLACEHOLDER_SECRETS }));
  const files = renderFiles(placeholderPlan);

  it("writes the kind config, encryption config, every values file, the manifests and the Vault input", () => {
    expect(Object.keys(files).sort()).toEqual([
      "helm/cilium.values.yaml",
      "helm/falco.values.yaml",
      "helm/releases.yaml",
      "helm/secrets-store-csi-driver.values.yaml",
      "helm/tetragon.values.yaml",
      "helm/vault.values.yaml",
      "kind/cluster.yaml",
      "kind/encryption-config.yaml",
      "manifests/00-namespaces.yaml",
      "manifests/10-postgres.yaml",
      "manifests/20-app.yaml",
      "manifests/30-network.yaml",
      "vault/configure-vault.json",
    ]);
  });

  it("shows generated secrets as placeholders and is still a valid stack", () => {
    expect(planProblems(placeholderPlan, versions)).toEqual([]);
    const all = Object.values(files).join("\n");
    expect(all).toContain(PLACEHOLDER_SECRETS.encryptionKey);
    expect(all).toContain(PLACEHOLDER_SECRETS.vaultRootToken);
    expect(all).toContain(PLACEHOLDER_SECRETS.postgresBootstrapPassword);
  });

  it("never contains a live secret: rendering with real secrets and placeholders differs only where secrets go", () => {
    const live = generateSecrets();
    const red = new Redactor();
    for (const v of [live.encryptionKey, live.vaultRootToken, live.postgresBootstrapPassword]) red.register(v, "s");
    expect(red.leaks(Object.values(files).join("\n"))).toBe(false);
    const liveFiles = renderFiles(planStack(sampleInputs({ secrets: live })));
    const changed = Object.keys(files).filter((k) => files[k] !== liveFiles[k]).sort();
    expect(changed).toEqual(["helm/vault.values.yaml", "kind/encryption-config.yaml", "vault/configure-vault.json"]);
  });

  it("is recorded in a run without any secret-shaped content once redacted", () => {
    const live = generateSecrets();
    const red = new Redactor();
    for (const v of [live.encryptionKey, live.vaultRootToken, live.postgresBootstrapPassword]) red.register(v, "s");
    const recorded = renderFiles(planStack(sampleInputs({ secrets: live })));
    const findings = Object.entries(recorded).flatMap(([path, text]) => scanForSecrets(path, red.redactBytes(Buffer.from(text))));
    expect(findings).toEqual([]);
    // Vault refuses a chosen root token ID with its hvs. prefix, so the token has no shape: only its value finds it.
    const unredacted = Buffer.from(recorded["helm/vault.values.yaml"]!);
    expect(scanForSecrets("vault.values.yaml", unredacted)).toEqual([]);
    expect(scanForKnown("vault.values.yaml", unredacted, knownClusterSecrets(live)).map((f) => f.kind)).toEqual(["known secret (vault root token)"]);
  });

  it("renders files that parse back to the objects up applies", () => {
    expect(parse(files["kind/cluster.yaml"]!)).toEqual(placeholderPlan.kindConfig);
    const app = parseAllDocuments(files["manifests/20-app.yaml"]!).map((d) => d.toJSON() as { kind: string });
    expect(app.map((o) => o.kind)).toEqual(["SecretProviderClass", "Service", "Deployment"]);
    expect(app[0]).toEqual(placeholderPlan.app.secretProviderClass);
    expect(files["manifests/20-app.yaml"]).toMatch(/objects: \|/);
    expect(parse(files["helm/falco.values.yaml"]!)).toEqual(placeholderPlan.releases.falco.values);
  });

  it("records the app as applied: the Deployment the app step applies carries the built image's ID, the planned one cannot", () => {
    const imageId = "sha256:5f2a0c6e1b7d4a9e8c3f2b1a0d9e8c7b6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d";
    // kind-cluster plans (and records) the stack before the image is built
    const { appImageId: _unknownYet, ...beforeBuild } = sampleInputs({ secrets: PLACEHOLDER_SECRETS });
    const planned = planStack(beforeBuild);
    expect(renderFiles(planned)[APP_MANIFEST]).toBe(appManifest(planned.app));
    expect(renderFiles(planned)[APP_MANIFEST]).not.toContain(IMAGE_ID_ANNOTATION);
    const applied = appManifest({ ...planned.app, deployment: renderAppDeployment(versions.images.app, imageId) });
    const deployment = parseAllDocuments(applied).map((d) => d.toJSON() as { kind: string; spec?: { template: { metadata: { annotations?: object } } } })[2]!;
    expect(deployment.kind).toBe("Deployment");
    expect(deployment.spec?.template.metadata.annotations).toEqual({ [IMAGE_ID_ANNOTATION]: imageId });
  });

  it("lists the steps in dependency order", () => {
    const text = describeSteps();
    expect(text.split("\n")[0]).toMatch(/^ 1\. (state|fixtures)/);
    expect(text).toMatch(/\d+\. cilium \(after kind-cluster, kubelet-config\)/);
    expect(text.trimEnd().split("\n").at(-1)).toMatch(/app-ready \(after app, network-enforcing\)/);
  });

  it("writes the files under the output directory", async () => {
    const out = await mkdtemp(join(tmpdir(), "secretproof-render-"));
    try {
      const written = await writeFiles(out, files);
      expect(written).toHaveLength(Object.keys(files).length);
      expect(await readFile(join(out, "helm/cilium.values.yaml"), "utf8")).toBe(files["helm/cilium.values.yaml"]);
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });
});
