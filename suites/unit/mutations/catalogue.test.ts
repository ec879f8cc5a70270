import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { CLAIM_IDS } from "../../../harness/claims/verdict.ts";
import { findMutation, loadMutationCatalogue, mutationCatalogueProblems, parseMutationCatalogue } from "../../../harness/mutations/catalogue.ts";

const cat = loadMutationCatalogue();
const ISSUE_LIST = [
  "no-encryption", "secret-sync", "static-credentials", "agent-cache", "long-ttl", "no-rotate-root",
  "falco-read-rule-missing", "falco-first-match", "tetragon-follow-forks", "tetragon-monitor", "app-not-pid1", "app-leak",
];

describe("the mutation catalogue (fixtures/mutations.yaml)", () => {
  it("holds every misconfiguration the suite must catch, each named once", () => {
    expect(cat.mutations.map((m) => m.name)).toEqual(expect.arrayContaining(ISSUE_LIST));
    expect(new Set(cat.mutations.map((m) => m.name)).size).toBe(cat.mutations.length);
  });

  it("cannot drift from the claim list: each mutation's fail and pass are disjoint and together every claim", () => {
    for (const m of cat.mutations) {
      expect([...m.fail, ...m.pass].sort(), m.name).toEqual([...CLAIM_IDS].sort());
      expect(m.fail.filter((c) => m.pass.includes(c)), m.name).toEqual([]);
    }
  });

  it("refuses an entry that leaves a claim out, names one twice, or names a claim that does not exist", () => {
    const [first] = cat.mutations;
    const doc = (over: object) => ({ mutations: [{ ...first, ...over }] });
    expect(mutationCatalogueProblems(doc({ pass: first!.pass.slice(1) }))).toEqual([`${first!.name}: ${first!.pass[0]} neither in fail nor in pass`]);
    expect(mutationCatalogueProblems(doc({ pass: [...first!.pass, first!.fail[0]] }))).toEqual([`${first!.name}: ${first!.fail[0]} both in fail and pass`]);
    expect(mutationCatalogueProblems(doc({ fail: ["Z9"] })).join("\n")).toMatch(/\/mutations\/0\/fail\/0 must be equal to one of the allowed values/);
    expect(() => parseMutationCatalogue(stringify(doc({ change: [{ op: "set", object: "kubelet", path: ["a"], value: 1 }] })), "x.yaml")).toThrow(/x\.yaml is not a valid mutation catalogue/);
  });

  it("says why each mistake is realistic, and every source it cites is one of the source articles", () => {
    for (const m of cat.mutations) {
      expect(m.why.length, m.name).toBeGreaterThan(40);
      if (m.source) expect(m.source, m.name).toMatch(/^(000_2d61ff9060f5fde8\.txt|001_a1daf9603ff03c14\.txt|README\.md of the seeds) "/);
    }
  });

  it("names what is there when asked for a mutation that is not", () => {
    expect(() => findMutation(cat, "no-such")).toThrow(/no mutation "no-such" in fixtures\/mutations\.yaml; there are: no-encryption, /);
  });
});
