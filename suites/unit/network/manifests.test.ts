import { Deployment } from "kubernetes-models/apps/v1";
import { Service } from "kubernetes-models/v1";
import { describe, expect, it } from "vitest";
import { APP_SELECTOR, NS, POSTGRES, SINK } from "../../../clusters/names.ts";
import { versions } from "../../../clusters/versions.ts";
import { planProblems } from "../../../harness/cluster/render/check-plan.ts";
import { planStack } from "../../../harness/cluster/render/plan.ts";
import { ciliumNetworkPolicySchema } from "../../../harness/schemas/cilium-network-policy.ts";
import { schemaProblems } from "../../../harness/schemas/validate.ts";
import { renderAppEgressPolicy } from "../../../fixtures/manifests/network-policy.ts";
import { renderPostgresStatefulSet } from "../../../fixtures/manifests/postgres.ts";
import { sampleInputs } from "../render/fixture-inputs.ts";

const validate = (model: { validate(): void }) => () => model.validate();

describe("the app's egress policy", () => {
  const cnp = renderAppEgressPolicy();

  it("passes our reduced schema of the upstream CiliumNetworkPolicy CRD", () => {
    expect(schemaProblems(ciliumNetworkPolicySchema, cnp)).toEqual([]);
  });

  it("the schema rejects a misspelled field the API server would prune silently (negative control)", () => {
    const broken = { ...cnp, spec: { ...cnp.spec, egres: cnp.spec.egress } };
    expect(schemaProblems(ciliumNetworkPolicySchema, broken)).toContain("/spec: must NOT have additional properties (egres)");
    const badPort = structuredClone(cnp);
    badPort.spec.egress[1]!.toPorts[0]!.ports[0]!.port = "65536";
    expect(schemaProblems(ciliumNetworkPolicySchema, badPort).join()).toMatch(/port: must match pattern/);
  });

  it("selects the app's pods and denies egress by default while leaving ingress open", () => {
    expect(cnp.metadata.namespace).toBe(NS.app);
    expect(cnp.spec.endpointSelector.matchLabels).toEqual(APP_SELECTOR);
    expect(cnp.spec.enableDefaultDeny).toEqual({ ingress: false, egress: true });
    expect(cnp.spec).not.toHaveProperty("ingress");
  });

  it("allows exactly cluster DNS on 53 (UDP and TCP) and Postgres on its port, each by namespace", () => {
    const allowed = cnp.spec.egress.map((r) => ({ to: r.toEndpoints.map((e) => e.matchLabels), ports: r.toPorts.flatMap((p) => p.ports) }));
    expect(allowed).toEqual([
      { to: [{ "k8s:io.kubernetes.pod.namespace": "kube-system", "k8s:k8s-app": "kube-dns" }], ports: [{ port: "53", protocol: "UDP" }, { port: "53", protocol: "TCP" }] },
      { to: [{ "k8s:io.kubernetes.pod.namespace": NS.postgres, "k8s:app.kubernetes.io/name": "postgres" }], ports: [{ port: String(POSTGRES.port), protocol: "TCP" }] },
    ]);
    const pgLabels = renderPostgresStatefulSet("img").spec?.template.metadata?.labels ?? {};
    expect(pgLabels["app.kubernetes.io/name"]).toBe("postgres");
  });

  it("the plan check fails when the policy stops selecting the app or closes ingress", () => {
    const plan = planStack(sampleInputs());
    plan.network.policy.spec.endpointSelector.matchLabels = { "app.kubernetes.io/name": "other" };
    plan.network.policy.spec.enableDefaultDeny.ingress = true;
    const problems = planProblems(plan, versions);
    expect(problems).toContain("CiliumNetworkPolicy selects app.kubernetes.io/name=other, which the app's pods do not carry");
    expect(problems).toContain("CiliumNetworkPolicy must leave ingress open (enableDefaultDeny.ingress false)");
  });
});

describe("the sink and the client", () => {
  const plan = planStack(sampleInputs());

  it("pass the Kubernetes OpenAPI schemas", () => {
    expect(validate(new Deployment(plan.network.sink))).not.toThrow();
    expect(validate(new Deployment(plan.network.client))).not.toThrow();
    expect(validate(new Service(plan.network.sinkService))).not.toThrow();
  });

  it("run the already-loaded app image, never pulled, in their own namespace", () => {
    for (const d of [plan.network.sink, plan.network.client]) {
      expect(d.metadata?.namespace).toBe(SINK.namespace);
      const c = d.spec?.template.spec?.containers[0];
      expect(c?.image).toBe(versions.images.app);
      expect(c?.imagePullPolicy).toBe("Never");
    }
    expect(plan.namespaces.map((n) => n.metadata?.name)).toContain(SINK.namespace);
  });

  it("the sink's Service selects the sink and its port is the one the policy never allows", () => {
    expect(plan.network.sinkService.spec?.selector).toEqual(plan.network.sink.spec?.selector?.matchLabels);
    const allowedPorts = plan.network.policy.spec.egress.flatMap((r) => r.toPorts.flatMap((p) => p.ports.map((x) => x.port)));
    expect(allowedPorts).not.toContain(String(SINK.port));
  });
});

describe("the catalogue's exfiltration entry", () => {
  it("runs the network suite's attempt, against the sink, and expects it blocked", async () => {
    const { parse } = await import("yaml");
    const { readFileSync } = await import("node:fs");
    const { CATALOGUE_PATH } = await import("../../../harness/attack/catalogue.ts");
    const { exfilCommand } = await import("../../../harness/claims/network/collect.ts");
    const { PROFILES } = await import("../../../harness/profile.ts");
    const doc = parse(readFileSync(CATALOGUE_PATH, "utf8")) as { attacks: { id: string; command: string[]; falco: { fires: { cmdline: string }[] }; detection: object; enforcement: object }[] };
    const exfil = doc.attacks.find((a) => a.id === "exfil-python");
    // The catalogue holds the program as a literal: it must be the one each profile's waits.exfilConnect gives.
    for (const p of Object.values(PROFILES)) {
      expect(exfil?.command, `${p.name} profile, waits.exfilConnect ${p.waits.exfilConnect}`).toEqual(exfilCommand(p));
      expect(exfil?.falco.fires.map((f) => f.cmdline), p.name).toEqual([exfilCommand(p).join(" ")]);
    }
    expect(exfil?.command.join(" ")).toContain(`('${SINK.host}', ${SINK.port})`);
    expect(exfil?.detection).toEqual({ exitCode: 1, stdout: "empty" });
    expect(exfil?.enforcement).toEqual({ exitCode: 1, stdout: "empty", tetragon: "spare" });
  });

  it("the check above fails when a profile's connect timeout and the catalogue's literal differ (negative control)", async () => {
    const { exfilCommand } = await import("../../../harness/claims/network/collect.ts");
    const { PROFILES } = await import("../../../harness/profile.ts");
    const changed = { waits: { ...PROFILES.ci.waits, exfilConnect: "7500ms" as const } };
    expect(exfilCommand(changed)).not.toEqual(exfilCommand(PROFILES.ci));
    expect(exfilCommand(changed)[2]).toContain("timeout=7.5)");
  });
});
