import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { FALCO_RULES_FILE } from "../../../clusters/helm/falco.ts";
import { loadFalcoRules } from "../../../harness/cluster/render/external.ts";
import { planStack } from "../../../harness/cluster/render/plan.ts";
import { applyMutation, applyMutationTo, removeFalcoRule } from "../../../harness/mutations/apply.ts";
import { loadMutationCatalogue } from "../../../harness/mutations/catalogue.ts";
import { renderedDiff, undeclaredChanges } from "../../../harness/mutations/diff.ts";
import { stackFiles, type MutableStack } from "../../../harness/mutations/stack.ts";
import { loadPolicy } from "../../../harness/tetragon/policy.ts";
import { sampleInputs } from "../render/fixture-inputs.ts";

const cat = loadMutationCatalogue();
const inputs = sampleInputs({ falcoRules: await loadFalcoRules() });
const base: MutableStack = { plan: planStack(inputs), tracingPolicy: loadPolicy() };
const baseFiles = stackFiles(base);
const named = (n: string) => cat.mutations.find((m) => m.name === n)!;

describe("each mutation changes the rendered stack in exactly the objects and fields it declares", () => {
  for (const m of cat.mutations) {
    it(`${m.name}: ${m.change.map((o) => `${o.op} ${o.object}`).join(", ")}`, () => {
      const diff = renderedDiff(baseFiles, stackFiles(applyMutation(base, m)));
      expect(diff.length).toBeGreaterThan(0);
      expect(undeclaredChanges(m, diff)).toEqual({ undeclared: [], unchanged: [] });
    });
  }

  it("leaves the rendered stack it is given untouched (pure)", () => {
    const before = JSON.stringify(base);
    for (const m of cat.mutations) applyMutation(base, m);
    expect(JSON.stringify(base)).toBe(before);
  });

  it("no-encryption makes identity the writing provider, aescbc still listed", () => {
    const providers = applyMutation(base, named("no-encryption")).plan.encryptionConfig.resources[0]!.providers;
    expect(providers.map((p) => Object.keys(p)[0])).toEqual(["identity", "aescbc"]);
  });

  it("long-ttl reaches the Vault role's default_ttl and max_ttl (vault/definitions.json)", () => {
    const defs = JSON.parse(stackFiles(applyMutation(base, named("long-ttl")))["vault/definitions.json"]!) as { databaseRole: { body: Record<string, string> } };
    expect([defs.databaseRole.body.default_ttl, defs.databaseRole.body.max_ttl]).toEqual(["86400s", "86400s"]);
  });

  it("static-credentials copies the bootstrap admin login from the rendered stack into its Secret", () => {
    const s = applyMutation(base, named("static-credentials"));
    expect(s.plan.appObjects).toEqual([expect.objectContaining({ kind: "Secret", stringData: { username: "postgres", password: inputs.secrets.postgresBootstrapPassword } })]);
    expect(s.plan.configureVault.rotateRoot).toBe(false);
  });

  it("falco-read-rule-missing removes the READ rule and nothing else from the rules file", () => {
    const rules = (applyMutation(base, named("falco-read-rule-missing")).plan.releases.falco.values.customRules as Record<string, string>)[FALCO_RULES_FILE]!;
    const names = (text: string) => (parse(text) as { rule?: string }[]).flatMap((i) => (i.rule ? [i.rule] : []));
    expect(names(inputs.falcoRules).filter((n) => !names(rules).includes(n))).toEqual(["SecretProof - Secret File Read"]);
  });

  it("applies the deployment, TracingPolicy and EncryptionConfiguration changes alone, as up and the enforcement suite do", () => {
    const d = applyMutationTo("app-deployment", base.plan.app.deployment, named("app-not-pid1"), base);
    expect(d.spec!.template.spec!.containers[0]!.command).toEqual(["sh", "-c", "python app.py; exit $?"]);
    const p = applyMutationTo("tracing-policy", base.tracingPolicy, named("tetragon-monitor"));
    expect((p.spec as { options: { value: string }[] }).options[0]!.value).toBe("monitor");
    expect(applyMutationTo("tracing-policy", base.tracingPolicy, named("app-leak"))).toBe(base.tracingPolicy);
  });

  it("refuses an operation on a field the render does not have, or one that changes nothing", () => {
    expect(() => applyMutation(base, { name: "x", change: [{ op: "delete", object: "secret-provider-class", path: ["spec", "secretObjects"] }] })).toThrow(
      /mutation x change 1 \(delete secret-provider-class\): the rendered object has no spec\.secretObjects to delete/,
    );
    expect(() => applyMutation(base, { name: "x", change: [{ op: "set", object: "helm/falco", path: ["falco", "rule_matching"], value: "all" }] })).toThrow(/already is "all"/);
    expect(() => removeFalcoRule(inputs.falcoRules, "No Such Rule")).toThrow(/no top-level "- rule: No Such Rule"/);
  });
});
