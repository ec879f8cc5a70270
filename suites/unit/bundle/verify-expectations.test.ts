import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Attack } from "../../../harness/attack/catalogue.ts";
import { detectionFamily } from "../../../harness/claims/detection/family.ts";
import type { ClaimId } from "../../../harness/claims/verdict.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { canonicalJson, sha256 } from "../../../harness/report/expectations.ts";
import { verifierExpectations } from "../../../harness/report/own-expectations.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { loadBundle } from "../../../harness/report/bundle.ts";
import { renderReports } from "../../../harness/report/write-report.ts";
import { formatVerify, verifyExitCode } from "../../../harness/report/verify-format.ts";
import { buildDetectionBundle, smallCatalogue, writeCatalogueFile } from "../../support/build-detection-bundle.ts";

let root: string;
let genuineFile: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-expect-"));
  genuineFile = await writeCatalogueFile(root, "genuine.yaml", smallCatalogue(["cat", "proc-mem"]));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const base = { families: [detectionFamily], requiredClaims: ["F1", "F2"] as ClaimId[] };
/** The verifier whose own catalogue is `cat` and `proc-mem` (the genuine run's). */
const verifyAsOwn = (dir: string) => verifyBundle(dir, { ...base, expectations: verifierExpectations("ci", { catalogueFile: genuineFile }) });
const dropped = () => smallCatalogue(["cat"]);
const rewritten = () => smallCatalogue(["cat", "proc-mem"], (a): Attack => (a.id === "cat" ? { ...a, detection: { exitCode: 0, stdout: "any" } } : a));

describe("verify owns every expectation: the bundle's are compared with its own", () => {
  it("passes a genuine bundle judged against the verifier's catalogue", async () => {
    const r = await verifyAsOwn(await buildDetectionBundle(root));
    expect(r.integrity).toEqual([]);
    expect(r.mismatches).toEqual([]);
    expect(verifyExitCode(r)).toBe(0);
  });

  it("refuses a bundle that dropped a method from catalogue, attempts and alerts, naming the catalogue entry", async () => {
    const dir = await buildDetectionBundle(root, { catalogue: dropped(), expectations: { ...verifierExpectations("ci").digests, catalogue: sha256(canonicalJson(smallCatalogue(["cat", "proc-mem"]))) } });
    const r = await verifyAsOwn(dir);
    expect(r.integrity).toContain("detection/catalogue.json lacks proc-mem, an entry of this verifier's attack catalogue");
    expect(r.mismatches.join("\n")).toMatch(/F2 \(proc-mem\) was recorded as nothing; the evidence now judges inconclusive/);
    expect(verifyExitCode(r)).toBe(2);
  });

  it("refuses a bundle whose catalogue rewrites an entry's expectation, though its recorded verdicts agree with it", async () => {
    const r = await verifyAsOwn(await buildDetectionBundle(root, { catalogue: rewritten(), expectations: { ...verifierExpectations("ci").digests, catalogue: sha256(canonicalJson(smallCatalogue(["cat", "proc-mem"]))) } }));
    expect(r.integrity).toContain("detection/catalogue.json rewrites cat: its expectations are not this verifier's attack catalogue's");
    expect(verifyExitCode(r)).toBe(2);
  });

  it("refuses, naming both digests, a bundle whose recorded catalogue digest is not the verifier's own", async () => {
    const dir = await buildDetectionBundle(root, { catalogue: dropped() });
    const r = await verifyBundle(dir, base);
    const own = verifierExpectations("ci").digests.catalogue;
    const theirs = sha256(canonicalJson(dropped()));
    expect(r.integrity).toContain(
      `the bundle's attack catalogue (sha256 ${theirs.slice(0, 12)}…) is not this verifier's (sha256 ${own.slice(0, 12)}…): pass --catalogue FILE to verify against a custom one`,
    );
    expect(verifyExitCode(r)).toBe(2);
  });

  it("accepts a custom catalogue passed explicitly, and says so with its digest", async () => {
    const dir = await buildDetectionBundle(root, { catalogue: dropped() });
    const file = await writeCatalogueFile(root, "custom.yaml", dropped());
    const r = await verifyBundle(dir, { ...base, custom: { catalogueFile: file } });
    expect(r.integrity).toEqual([]);
    expect(r.trusted).toBe(true);
    expect(r.failedClaims, "the custom catalogue holds no F2 entry: F2 is not proven").toEqual(["F2"]);
    const digest = sha256(canonicalJson(dropped())).slice(0, 12);
    expect(r.custom).toEqual([`custom catalogue (sha256 ${digest}…) from ${file}`]);
    expect(formatVerify(r)).toContain(`verified against a custom catalogue (sha256 ${digest}…)`);
    const report = renderReports(await loadBundle(dir), r.custom)["report.md"];
    expect(report).toContain(`**custom catalogue (sha256 ${digest}…) from`);
    expect(report).toMatch(/expectations: attack catalogue sha256 [0-9a-f]{12}…, Falco rules sha256 [0-9a-f]{12}…/);
  });

  it("refuses a bundle that records no expectations digests", async () => {
    const r = await verifyAsOwn(await buildDetectionBundle(root, { expectations: null }));
    expect(r.integrity).toContain("the bundle records no expectations digests: made by an older secretproof or edited");
    expect(verifyExitCode(r)).toBe(2);
  });

  it("refuses a changed profile, and accepts it passed explicitly with --profile", async () => {
    const profile = { ...PROFILES.ci, attribution: { clockOffsetLimit: "5s" } };
    const genuine = sha256(canonicalJson(smallCatalogue(["cat", "proc-mem"])));
    const dir = await buildDetectionBundle(root, { profile, expectations: { ...verifierExpectations("ci").digests, catalogue: genuine, profile: sha256(canonicalJson(profile)) } });
    const refused = await verifyAsOwn(dir);
    expect(refused.integrity.join("\n")).toMatch(/^the bundle's profile \(sha256 [0-9a-f]{12}…\) is not this verifier's \(sha256 [0-9a-f]{12}…\): pass --profile FILE/m);
    expect(verifyExitCode(refused)).toBe(2);
    const file = join(root, "profile.json");
    await writeFile(file, JSON.stringify(profile));
    const accepted = await verifyBundle(dir, { ...base, expectations: verifierExpectations("ci", { catalogueFile: genuineFile, profileFile: file }) });
    expect(accepted.integrity).toEqual([]);
    expect(accepted.custom.join("\n")).toMatch(/^custom profile \(sha256 [0-9a-f]{12}…\)/m);
  });

  it("refuses a run.json whose profile is not the one its digest records", async () => {
    const dir = await buildDetectionBundle(root);
    const run = JSON.parse(await readFile(join(dir, "run.json"), "utf8")) as { profile: { attribution: object } };
    run.profile.attribution = { clockOffsetLimit: "9s" };
    await writeFile(join(dir, "run.json"), JSON.stringify(run));
    const r = await verifyAsOwn(dir);
    expect(r.integrity.join("\n")).toMatch(/run\.json's profile \(sha256 [0-9a-f]{12}…\) is not the profile its expectations record/);
  });

  it("`secretproof verify` exits 2 naming the catalogue, and accepts it with --catalogue FILE, naming it custom", async () => {
    const dir = await buildDetectionBundle(root, { catalogue: dropped() });
    const file = await writeCatalogueFile(root, "custom.yaml", dropped());
    const cli = (...args: string[]) => execa("node", ["bin/secretproof.js", "verify", dir, ...args], { reject: false });
    const refused = await cli();
    expect(refused.exitCode).toBe(2);
    expect(refused.stdout).toMatch(/the bundle's attack catalogue \(sha256 [0-9a-f]{12}…\) is not this verifier's .*pass --catalogue FILE/);
    const custom = await cli("--catalogue", file);
    expect(custom.stdout).toMatch(/^verified against a custom catalogue \(sha256 [0-9a-f]{12}…\) from .*custom\.yaml/m);
    expect(custom.stdout).not.toMatch(/attack catalogue \(sha256/);
  });
});
