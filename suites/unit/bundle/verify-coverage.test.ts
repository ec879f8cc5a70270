import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLAIM_IDS, type ClaimId } from "../../../harness/claims/verdict.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { formatVerify, verifyExitCode } from "../../../harness/report/verify-format.ts";
import { buildBundle, rewriteManifest } from "../../support/build-bundle.ts";
import { buildEnforcementBundle, enforcementCatalogueFile } from "../../support/build-enforcement-bundle.ts";
import { verifierExpectations } from "../../../harness/report/own-expectations.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-coverage-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const T: ClaimId[] = ["T1", "T2", "T3"];
/** The verifier whose own catalogue is the run's (`cat`, `proc-mem`). */
const own = async () => ({ expectations: verifierExpectations("ci", { catalogueFile: await enforcementCatalogueFile(root) }) });
const verify = async (dir: string) => verifyBundle(dir, { requiredClaims: T, ...(await own()) });

/** What a forger does after removing files: drop the reports that no longer render the same, recompute SHA256SUMS. */
async function forge(dir: string, remove: string[], editRun?: (run: { verdicts: { claim: string }[] }) => void): Promise<void> {
  for (const p of [...remove, "report.md", "report.html"]) await rm(join(dir, p), { recursive: true, force: true });
  if (editRun) {
    const run = JSON.parse(await readFile(join(dir, "run.json"), "utf8"));
    editRun(run);
    await writeFile(join(dir, "run.json"), JSON.stringify(run, null, 2));
  }
  await rewriteManifest(dir);
}

describe("verify decides every claim of its list from re-judged evidence, never from run.json alone", () => {
  it("the claim list is every claim of every registered family, each owned by exactly one", () => {
    const owned = FAMILIES.flatMap((f) => f.claims);
    expect([...owned].sort()).toEqual([...CLAIM_IDS].sort());
  });

  it("a genuine enforcement bundle re-judges T1–T3 to pass (exit 0); the other families' claims are not proven", async () => {
    const dir = await buildEnforcementBundle(root);
    const r = await verify(dir);
    expect(r).toMatchObject({ integrity: [], leaks: [], mismatches: [], untrustworthy: [], rejudged: ["enforcement"], ok: true });
    expect(verifyExitCode(r)).toBe(0);
    expect(r.notProven.map((g) => g.claim)).toEqual(["A1", "A2", "D1", "D2", "D3", "D4", "F1", "F2", "N1", "L1"]);
    expect(formatVerify(r)).toMatch(/^\s+D1\s+not proven\s+the bundle holds no dynamic evidence to re-judge it \(no evidence recorded at dynamic\/params\.json\)/m);
    expect(verifyExitCode(await verifyBundle(dir, await own()))).toBe(1);
  });

  it("run.json's T1–T3 pass with the enforcement evidence, verdicts and matrix rows deleted is untrustworthy (exit 2), naming each claim", async () => {
    const dir = await buildEnforcementBundle(root);
    await forge(dir, ["verdicts/enforcement.json", "enforcement", "matrix/enforcement"]);
    const r = await verify(dir);
    expect(r.integrity).toEqual([]);
    expect(r.untrustworthy).toEqual(T.map((c) => `run.json records ${c} pass, but the bundle holds no enforcement evidence to re-judge it: untrustworthy`));
    expect(r.verdicts).toEqual([]);
    expect(r.notProven.filter((g) => T.includes(g.claim)).map((g) => g.why)).toEqual(
      T.map(() => expect.stringMatching(/^the bundle holds no enforcement evidence to re-judge it \(evidence file "enforcement\/[\w.-]+" is not in the bundle\)/)),
    );
    expect(verifyExitCode(r)).toBe(2);
    const text = formatVerify(r);
    expect(text).toMatch(/recorded without evidence: 3 problems\n.*run\.json records T1 pass/);
    expect(text).toMatch(/^\s+T3\s+not proven\s+the bundle holds no enforcement evidence/m);
    expect(text).toMatch(/^UNTRUSTED/m);
  });

  it("matrix rows left behind without their evidence are untrustworthy too", async () => {
    const dir = await buildEnforcementBundle(root);
    await forge(dir, ["verdicts/enforcement.json", "enforcement"], (run) => {
      run.verdicts = run.verdicts.filter((v) => !T.includes(v.claim as ClaimId));
    });
    const r = await verify(dir);
    expect(r.untrustworthy).toEqual([
      "matrix/enforcement/ holds 2 attack-matrix rows, but the bundle holds no enforcement evidence to derive them: untrustworthy",
    ]);
    expect(verifyExitCode(r)).toBe(2);
  });

  it("deleting only the verdicts file re-judges from the evidence: the file is derived, the genuine bundle passes", async () => {
    const dir = await buildEnforcementBundle(root);
    await forge(dir, ["verdicts/enforcement.json"]);
    const r = await verify(dir);
    expect(r).toMatchObject({ integrity: [], mismatches: [], untrustworthy: [], rejudged: ["enforcement"], failedClaims: [] });
    expect(r.verdicts.filter((v) => v.claim === "T1").length).toBeGreaterThan(1);
    expect(verifyExitCode(r)).toBe(0);
  });

  it("without the verdicts file, run.json is compared with the evidence itself", async () => {
    const dir = await buildEnforcementBundle(root);
    await forge(dir, ["verdicts/enforcement.json"], (run) => {
      run.verdicts = run.verdicts.filter((v) => v.claim !== "T2");
    });
    const r = await verify(dir);
    expect(r.mismatches).toEqual([
      "family enforcement (against run.json: verdicts/enforcement.json is absent): T2 (app-unharmed) was recorded as nothing; the evidence now judges pass",
    ]);
    expect(verifyExitCode(r)).toBe(2);
  });

  it("deleting the evidence and its claims from run.json leaves T1–T3 not proven (exit 1), trusted", async () => {
    const dir = await buildEnforcementBundle(root);
    await forge(dir, ["verdicts/enforcement.json", "enforcement", "matrix/enforcement"], (run) => {
      run.verdicts = run.verdicts.filter((v) => !T.includes(v.claim as ClaimId));
    });
    const r = await verify(dir);
    expect(r).toMatchObject({ integrity: [], mismatches: [], untrustworthy: [], trusted: true, failedClaims: T });
    expect(r.notProven.map((g) => g.claim)).toEqual(CLAIM_IDS);
    expect(verifyExitCode(r)).toBe(1);
    expect(formatVerify(r)).toMatch(/^FAIL: not proven: T1, T2, T3$/m);
  });

  it("a recorded claim whose family this verifier does not run is not proven, and said so, never shown as recorded", async () => {
    const { dir } = await buildBundle(root);
    const r = await verifyBundle(dir, { families: [], requiredClaims: ["A2", "T1"] });
    expect(r.verdicts).toEqual([]);
    expect(r.failedClaims).toEqual(["A2", "T1"]);
    expect(r.notes).toContain("run.json records T1 pass, but no claim family here re-judges T1: not proven");
    expect(verifyExitCode(r)).toBe(1);
  });

  it("the fixture bundle, verified with every real family, is untrustworthy: run.json records A2 and T1, and matrix rows, the real families find no evidence for", async () => {
    const { dir } = await buildBundle(root);
    const r = await verifyBundle(dir, await own());
    expect(r.untrustworthy).toEqual([
      "run.json records A2 pass, but the bundle holds no a2-no-secrets evidence to re-judge it: untrustworthy",
      "run.json records T1 pass, but the bundle holds no enforcement evidence to re-judge it: untrustworthy",
      "matrix/detection/ holds 2 attack-matrix rows, but the bundle holds no detection evidence to derive them: untrustworthy",
      "matrix/enforcement/ holds 2 attack-matrix rows, but the bundle holds no enforcement evidence to derive them: untrustworthy",
    ]);
    expect(verifyExitCode(r)).toBe(2);
  });
});
