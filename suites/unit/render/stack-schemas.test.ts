import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { Namespace, Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { planStack } from "../../../harness/cluster/render/plan.ts";
import { CHART_KEYS, unknownValuesKeys } from "../../../harness/schemas/chart-keys.ts";
import { planProblems } from "../../../harness/cluster/render/check-plan.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { sampleInputs } from "./fixture-inputs.ts";

const validate = (model: { validate(): void }) => () => model.validate();

describe("every rendered object is valid against upstream schemas", () => {
  for (const profile of Object.values(PROFILES)) {
    it(`renders a valid stack for the ${profile.name} profile`, () => {
      expect(planProblems(planStack(sampleInputs({ profile })), versions)).toEqual([]);
    });
  }

  it("core objects pass the Kubernetes OpenAPI schemas", () => {
    const plan = planStack(sampleInputs());
    for (const ns of plan.namespaces) expect(validate(new Namespace(ns))).not.toThrow();
    expect(validate(new Service(plan.postgres.service))).not.toThrow();
    expect(validate(new StatefulSet(plan.postgres.statefulSet))).not.toThrow();
    expect(validate(new Deployment(plan.app.deployment))).not.toThrow();
    expect(validate(new Service(plan.app.service))).not.toThrow();
  });

  it("the Kubernetes schema check can fail (negative control)", () => {
    const svc = planStack(sampleInputs()).app.service;
    const broken = { ...svc, spec: { ...svc.spec, ports: [{ port: "80" as unknown as number }] } };
    expect(validate(new Service(broken))).toThrow(/must be integer/);
  });
});

describe("schema checks reject what upstream would reject or silently drop", () => {
  it("an unknown kind config field (kind decodes strictly)", () => {
    const plan = planStack(sampleInputs());
    (plan.kindConfig.networking as Record<string, unknown>).disableDefaultCni = true;
    expect(planProblems(plan, versions)).toContain("kind config /networking: must NOT have additional properties (disableDefaultCni)");
  });

  it("a kubeadm patch pinned to an API the node image does not speak", () => {
    const plan = planStack(sampleInputs());
    const node = plan.kindConfig.nodes[0]!;
    node.kubeadmConfigPatches = [`apiVersion: kubeadm.k8s.io/v1beta4\n${node.kubeadmConfigPatches[0]!}`];
    expect(planProblems(plan, versions).join("\n")).toMatch(/names kubeadm.k8s.io\/v1beta4 but the node image speaks kubeadm.k8s.io\/v1beta3/);
  });

  it("an EncryptionConfiguration that writes plaintext first", () => {
    const plan = planStack(sampleInputs());
    plan.encryptionConfig.resources[0]!.providers.reverse();
    expect(planProblems(plan, versions).join("\n")).toMatch(/first \(writing\) provider must be aescbc/);
  });

  it("an aescbc key that is not 32 bytes", () => {
    const plan = planStack(sampleInputs());
    const p = plan.encryptionConfig.resources[0]!.providers[0]!;
    if ("aescbc" in p) p.aescbc.keys[0]!.secret = Buffer.alloc(16).toString("base64");
    expect(planProblems(plan, versions).join("\n")).toMatch(/aescbc key key1 is not 32 bytes/);
  });

  it("a misspelled SecretProviderClass parameter the provider would ignore", () => {
    const plan = planStack(sampleInputs());
    plan.app.secretProviderClass.spec.parameters.rolename = "x";
    expect(planProblems(plan, versions).join("\n")).toMatch(/parameters \/: must NOT have additional properties \(rolename\)/);
  });

  it("an objects entry with an unknown field", () => {
    const plan = planStack(sampleInputs());
    plan.app.secretProviderClass.spec.parameters.objects = "- objectName: a\n  secretPath: p\n  secretkey: k\n";
    expect(planProblems(plan, versions).join("\n")).toMatch(/objects \/0: must NOT have additional properties \(secretkey\)/);
  });

  it("a SecretProviderClass that syncs into a Kubernetes Secret", () => {
    const plan = planStack(sampleInputs());
    (plan.app.secretProviderClass.spec as Record<string, unknown>).secretObjects = [{ secretName: "x" }];
    expect(planProblems(plan, versions).join("\n")).toMatch(/must not sync into a Kubernetes Secret/);
  });

  it("a helm values key the pinned chart does not read", () => {
    const plan = planStack(sampleInputs());
    (plan.releases.tetragon.values.tetragon as Record<string, unknown>).hostProcPAth = "/procHost";
    expect(planProblems(plan, versions)).toContain("tetragon values: tetragon@1.7.0 has no key tetragon.hostProcPAth");
  });
});

describe("the accepted values keys", () => {
  it("were read from exactly the chart versions pinned in clusters/versions.ts", () => {
    const releases = planStack(sampleInputs()).releases;
    for (const r of Object.values(releases)) {
      expect(CHART_KEYS[r.name].chart, `${r.name}: re-read the pinned chart's values.yaml and update the citations`).toBe(
        `${r.chart.chart}@${r.chart.version}`,
      );
      for (const [path, cite] of Object.entries(CHART_KEYS[r.name].paths)) expect(cite, path).toMatch(/^values\.yaml:\d+$/);
    }
  });

  it("accept any file name under a free-form map and nothing beside it", () => {
    const keys = CHART_KEYS.falco;
    expect(unknownValuesKeys({ customRules: { "any-name.yaml": "x" } }, keys)).toEqual([]);
    expect(unknownValuesKeys({ customRule: { "a.yaml": "x" }, driver: { kind: "modern_ebpf", knd: "x" } }, keys)).toEqual([
      "customRule.a.yaml",
      "driver.knd",
    ]);
  });
});
