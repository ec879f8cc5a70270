import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { renderKubeletPatch, type KindClusterConfig } from "../../../clusters/kind/config.ts";
import { versions } from "../../../clusters/versions.ts";
import { planStack } from "../../../harness/cluster/render/plan.ts";
import { toSeconds } from "../../../clusters/duration.ts";
import { renderStack } from "../../../harness/cluster/commands/render-command.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { kubeletConfigurationPatchSchema } from "../../../harness/schemas/kubelet.ts";
import { planProblems } from "../../../harness/cluster/render/check-plan.ts";
import { schemaProblems } from "../../../harness/schemas/validate.ts";
import { sampleInputs } from "./fixture-inputs.ts";

const patchesOf = (config: KindClusterConfig) => config.nodes[0]!.kubeadmConfigPatches.map((t) => parse(t) as Record<string, unknown>);
const kubeletPatchOf = (config: KindClusterConfig) => patchesOf(config).find((p) => p.kind === "KubeletConfiguration");

describe("the kubelet resyncs pods (and so republishes the CSI volume) at the profile's syncFrequency", () => {
  it("`secretproof render` writes a kind config whose KubeletConfiguration patch carries each profile's syncFrequency", async () => {
    for (const profile of Object.values(PROFILES)) {
      const out = await mkdtemp(join(tmpdir(), "secretproof-kubelet-"));
      try {
        await renderStack(out, profile, "secretproof");
        const config = parse(await readFile(join(out, "kind/cluster.yaml"), "utf8")) as KindClusterConfig;
        expect(kubeletPatchOf(config), profile.name).toEqual({
          apiVersion: "kubelet.config.k8s.io/v1beta1",
          kind: "KubeletConfiguration",
          syncFrequency: `${toSeconds(profile.csi.syncFrequency)}s`,
        });
      } finally {
        await rm(out, { recursive: true, force: true });
      }
    }
  });

  it("keeps the encryption patch first and adds the kubelet patch, both valid against the schemas", () => {
    const plan = planStack(sampleInputs());
    expect(patchesOf(plan.kindConfig).map((p) => p.kind)).toEqual(["ClusterConfiguration", "KubeletConfiguration"]);
    expect(planProblems(plan, versions)).toEqual([]);
    expect(schemaProblems(kubeletConfigurationPatchSchema, kubeletPatchOf(plan.kindConfig))).toEqual([]);
  });

  it("leaves faithful at the kubelet's 1m default and gives ci 10s", () => {
    expect(renderKubeletPatch(PROFILES.faithful).syncFrequency).toBe("60s");
    expect(renderKubeletPatch(PROFILES.ci).syncFrequency).toBe("10s");
  });

  it("refuses a syncFrequency that is not whole seconds", () => {
    const p = structuredClone(PROFILES.ci);
    p.csi.syncFrequency = "1500ms";
    expect(() => renderKubeletPatch(p)).toThrow(/csi.syncFrequency "1500ms" is not a whole number of seconds/);
  });
});

describe("kubelet patch checks reject what kind or the kubelet would drop or refuse", () => {
  const withPatch = (text: string) => {
    const plan = planStack(sampleInputs());
    plan.kindConfig.nodes[0]!.kubeadmConfigPatches[1] = text;
    return planProblems(plan, versions).join("\n");
  };

  it("a misspelt field, which the kubelet would never see", () => {
    expect(withPatch("kind: KubeletConfiguration\nsyncFrequncy: 10s\n")).toMatch(/kubeadm patch 0.1 \/: must NOT have additional properties \(syncFrequncy\)/);
  });

  it("metadata, which KubeletConfiguration does not have", () => {
    expect(withPatch("kind: KubeletConfiguration\nmetadata:\n  name: config\nsyncFrequency: 10s\n")).toMatch(/additional properties \(metadata\)/);
  });

  it("a duration the kubelet cannot parse", () => {
    expect(withPatch("kind: KubeletConfiguration\nsyncFrequency: 10 seconds\n")).toMatch(/\/syncFrequency: must match pattern/);
  });

  it("an apiVersion kind does not generate, so the patch would match nothing", () => {
    expect(withPatch("apiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\nsyncFrequency: 10s\n")).toMatch(
      /kubeadm patch 0.1 names kubelet.config.k8s.io\/v1 but kind generates kubelet.config.k8s.io\/v1beta1/,
    );
  });

  it("a kind no patch may target", () => {
    expect(withPatch("kind: KubeletConfig\nsyncFrequency: 10s\n")).toMatch(/kubeadm patch 0.1 has kind KubeletConfig, which no patch here may target/);
  });
});
