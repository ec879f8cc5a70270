import { describe, expect, it } from "vitest";
import { CLAIM_IDS, type ClaimId, type Verdict } from "../../../harness/claims/verdict.ts";
import type { RunRecord } from "../../../harness/evidence/recorder.ts";
import { findMutation, loadMutationCatalogue } from "../../../harness/mutations/catalogue.ts";
import { killMatrix, killMatrixMarkdown, killMatrixOk, mutationScore } from "../../../harness/mutations/kill-matrix.ts";
import { mutationOutcome } from "../../../harness/mutations/outcome.ts";
import { recordMutationOutcome } from "../../../harness/mutations/run-outcome.ts";
import { mutationLine, verdictText } from "../../../harness/report/mutation-view.ts";
import { buildReportModel } from "../../../harness/report/model.ts";
import { renderMarkdown } from "../../../harness/report/render-markdown.ts";
import { memoryBundle } from "../../support/bundle.ts";

const cat = loadMutationCatalogue();
const leak = findMutation(cat, "app-leak");
const firstMatch = findMutation(cat, "falco-first-match");
const v = (claim: ClaimId, verdict: Verdict["verdict"]): Verdict => ({ claim, verdict, reasons: [], evidence: [] });
const all = (fail: readonly ClaimId[], failAs: Verdict["verdict"] = "fail") => CLAIM_IDS.map((c) => v(c, fail.includes(c) ? failAs : "pass"));
const run = (verdicts: Verdict[], status: RunRecord["status"] = "failed") => ({ status, verdicts }) as unknown as RunRecord;

describe("a run under a mutation passes exactly when the declared claims fail and the others pass", () => {
  it("passes when exactly the declared claims fail", () => {
    const o = mutationOutcome(leak, all(["L1"]));
    expect(o.ok).toBe(true);
    expect(o.claims.find((c) => c.claim === "L1")).toMatchObject({ expected: "fail", verdict: "fail", outcome: "caught" });
  });

  it("fails on a miss: a declared failure that passed", () => {
    const o = mutationOutcome(leak, all([]));
    expect(o.ok).toBe(false);
    expect(o.summary).toBe("mutation app-leak: L1 missed (expected fail, got pass)");
  });

  it("fails on collateral: another claim failed, or has no verdict", () => {
    expect(mutationOutcome(leak, all(["L1", "T2"])).summary).toBe("mutation app-leak: T2 collateral (expected pass, got fail)");
    expect(mutationOutcome(leak, all(["L1"]).filter((x) => x.claim !== "A1")).summary).toBe("mutation app-leak: A1 collateral (expected pass, got not run)");
  });

  it("counts a declared failure left without a verdict as caught only when the mutation names the check that refuses it first", () => {
    const refused = all(firstMatch.fail).filter((x) => !firstMatch.fail.includes(x.claim));
    expect(mutationOutcome(firstMatch, refused).ok).toBe(true);
    expect(mutationOutcome(firstMatch, refused).claims.filter((c) => c.outcome === "refused").map((c) => c.claim)).toEqual(firstMatch.fail);
    expect(mutationOutcome({ ...leak }, all(["L1"], "inconclusive")).ok).toBe(false);
  });

  it("makes the run's status the outcome and records the declaration beside it; an aborted run stays aborted", () => {
    const r = run(all(["L1"]));
    recordMutationOutcome(r, leak);
    expect(r.status).toBe("passed");
    expect(r.mutation).toMatchObject({ name: "app-leak", fail: ["L1"], outcome: { ok: true } });
    const bad = run(all([]), "passed");
    recordMutationOutcome(bad, leak);
    expect(bad.status).toBe("failed");
    const aborted = run(all(["L1"]), "aborted");
    recordMutationOutcome(aborted, leak);
    expect(aborted.status).toBe("aborted");
  });
});

describe("the kill matrix", () => {
  const runs = cat.mutations.map((m) => {
    const r = run(all(m.fail));
    recordMutationOutcome(r, m);
    return r;
  });

  it("is clean when every mutation ran and had its declared outcome", () => {
    const rows = killMatrix(cat, runs);
    expect(killMatrixOk(rows)).toBe(true);
    expect(mutationScore(rows)).toBe(`${cat.mutations.length}/${cat.mutations.length}`);
    expect(killMatrixMarkdown(rows)).toContain("| app-leak | · | · | · | · | · | · | · | · | · | · | · | · | caught | as declared |");
  });

  it("flags a mutation that did not run, a miss and a declaration that differs from this catalogue", () => {
    const missed = run(all([]));
    recordMutationOutcome(missed, leak);
    const rows = killMatrix(cat, [...runs.filter((r) => r.mutation?.name !== "app-leak" && r.mutation?.name !== "long-ttl"), missed]);
    expect(killMatrixOk(rows)).toBe(false);
    const md = killMatrixMarkdown(rows);
    expect(md).toContain("| long-ttl | — | — | — | — | — | — | — | — | — | — | — | — | — | **no run recorded this mutation** |");
    expect(md).toMatch(/\| app-leak \|.*\*\*missed\*\* \| \*\*mutation app-leak: L1 missed/);
    const forged = run(all(["L1"]));
    recordMutationOutcome(forged, { ...leak, fail: ["L1", "T2"], pass: leak.pass.filter((c) => c !== "T2") });
    expect(killMatrix({ mutations: [leak] }, [forged])[0]?.problem).toMatch(/the run declared fail \["L1","T2"\], this catalogue \["L1"\]/);
  });
});

describe("the report under a mutation", () => {
  it("shows a declared failure as expected, a declared failure that passed as such, and others unchanged", () => {
    const m = { name: "app-leak", fail: ["L1"] };
    expect(verdictText("fail", { claim: "L1", verdict: "fail" }, m)).toBe("fail (expected: mutation app-leak)");
    expect(verdictText("pass", { claim: "L1", verdict: "pass" }, m)).toBe("pass (expected fail: mutation app-leak)");
    expect(verdictText("fail", { claim: "A1", verdict: "fail" }, m)).toBe("fail");
    expect(verdictText("fail", { claim: "L1", verdict: "fail" }, undefined)).toBe("fail");
    expect(mutationLine({ ...m, outcome: mutationOutcome(leak, all(["L1"])) })).toMatch(/^Built under mutation app-leak \(must fail: L1\); the declared outcome: /);
  });
});

describe("report.md of a run built under a mutation", () => {
  it("names the mutation and its outcome, and shows the declared failure as expected", () => {
    const r = {
      schemaVersion: 1, runId: "20261201T000000Z-abcdef", status: "failed", startedAt: "2026-12-01T00:00:00.000Z", finishedAt: "2026-12-01T00:20:00.000Z",
      tool: { name: "secretproof", version: "0.1.0", node: "v22.22.0" }, profile: { name: "ci" }, environment: {}, versions: {}, steps: [], suites: [],
      verdicts: all(["L1"]), redacted: [],
    } as RunRecord;
    recordMutationOutcome(r, leak);
    const md = renderMarkdown(buildReportModel(r, memoryBundle({})));
    expect(md).toContain("**Built under mutation app-leak (must fail: L1); the declared outcome: mutation app-leak: L1 failed as declared; every other claim passed**");
    expect(md).toMatch(/\| L1 \| The app never reveals its credential \| ❌ fail \(expected: mutation app-leak\) \|/);
    expect(md).toMatch(/\| A1 \| Secrets are ciphertext in etcd \| ✅ pass \|/);
  });
});
