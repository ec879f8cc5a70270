import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectionFamily } from "../../../harness/claims/detection/family.ts";
import type { ClaimId } from "../../../harness/claims/verdict.ts";
import { expectedIdentity, ownRepository } from "../../../harness/provenance/check.ts";
import { repositoryFromPackage } from "../../../harness/provenance/identity.ts";
import { packBundle } from "../../../harness/provenance/pack.ts";
import { canonicalJson, sha256 } from "../../../harness/report/expectations.ts";
import { verifierExpectations } from "../../../harness/report/own-expectations.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { formatVerify, verifyExitCode } from "../../../harness/report/verify-format.ts";
import { buildDetectionBundle, smallCatalogue, writeCatalogueFile } from "../../support/build-detection-bundle.ts";
import { type MintIdentity, type TestInstance, testInstance } from "../../support/mint-attestation.ts";

const COMMIT = "3f2a9c1e5b7d4a6f8e0c2b4d6f8a0c2e4b6d8f0a";
const GENUINE: MintIdentity = { repository: "acme/secretproof", workflow: ".github/workflows/e2e-kind.yml", ref: "refs/heads/main", commit: COMMIT };

let root: string;
let instance: TestInstance;
let trustedRoot: string;
let dir: string;
let digest: string;
let genuineCatalogue: string;

async function bundleAt(commit: string, name: string): Promise<string> {
  const cat = smallCatalogue(["cat", "proc-mem"]);
  const expectations = { ...verifierExpectations("ci").digests, catalogue: sha256(canonicalJson(cat)), commit };
  return buildDetectionBundle(join(root, name), { expectations });
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-attest-"));
  instance = await testInstance();
  trustedRoot = join(root, "trusted-root.json");
  await writeFile(trustedRoot, instance.trustedRoot);
  genuineCatalogue = await writeCatalogueFile(root, "genuine.yaml", smallCatalogue(["cat", "proc-mem"]));
  dir = await bundleAt(COMMIT, "genuine");
  digest = (await packBundle(dir)).sha256;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

let n = 0;
async function attestation(text: string): Promise<string> {
  const file = join(root, `attestation-${n++}.json`);
  await writeFile(file, text);
  return file;
}

async function verifyWith(file: string, bundle = dir, flags: { trustedRoot?: string; repo?: string } = {}) {
  return verifyBundle(bundle, {
    families: [detectionFamily],
    requiredClaims: ["F1", "F2"] as ClaimId[],
    expectations: verifierExpectations("ci", { catalogueFile: genuineCatalogue }),
    attestation: { file, repo: flags.repo ?? GENUINE.repository, trustedRoot: flags.trustedRoot ?? trustedRoot },
  });
}

describe("verify --attestation: the bundle's pack, signed by the expected workflow at the recorded commit", () => {
  it("passes a bundle attested by the expected repository, workflow and ref at the commit run.json records", async () => {
    const r = await verifyWith(await attestation(await instance.mint(digest, GENUINE)));
    expect(r.provenance?.problems).toEqual([]);
    expect(verifyExitCode(r)).toBe(0);
    expect(formatVerify(r)).toContain(`attests this bundle (pack sha256 ${digest}), signed by acme/secretproof .github/workflows/e2e-kind.yml@refs/heads/main, commit ${COMMIT}`);
  });

  it("reads the same bundle pretty-printed (as `jq .` writes it), and refuses two bundles in one file", async () => {
    const minted = await instance.mint(digest, GENUINE);
    const r = await verifyWith(await attestation(JSON.stringify(JSON.parse(minted), null, 2)));
    expect(r.provenance?.problems).toEqual([]);
    await expect(verifyWith(await attestation(`${minted.trim()}\n${minted.trim()}\n`))).rejects.toThrow(/holds 2 JSON lines; give a file with exactly one Sigstore bundle/);
  });

  it.each([
    ["repository", { repository: "mallory/secretproof" }, /^attestation repository \(1\.3\.6\.1\.4\.1\.57264\.1\.12\): the certificate names "https:\/\/github\.com\/mallory\/secretproof", expected "https:\/\/github\.com\/acme\/secretproof"$/m],
    ["workflow", { workflow: ".github/workflows/release.yml" }, /^attestation workflow \(1\.3\.6\.1\.4\.1\.57264\.1\.9\): the certificate names ".*\/release\.yml@refs\/heads\/main", expected ".*\/e2e-kind\.yml@refs\/heads\/main"$/m],
    ["ref", { ref: "refs/heads/feature" }, /^attestation ref \(1\.3\.6\.1\.4\.1\.57264\.1\.14\): the certificate names "refs\/heads\/feature", expected "refs\/heads\/main"$/m],
    ["commit", { commit: "0".repeat(40) }, new RegExp(`^attestation commit \\(1\\.3\\.6\\.1\\.4\\.1\\.57264\\.1\\.13\\): the certificate names "${"0".repeat(40)}", run\\.json records the suite at "${COMMIT}"$`, "m")],
  ])("refuses (exit 2) an attestation signed with another %s, naming the field and both values", async (_field, change, message) => {
    const r = await verifyWith(await attestation(await instance.mint(digest, { ...GENUINE, ...change })));
    expect(r.provenance?.problems.join("\n")).toMatch(message);
    expect(verifyExitCode(r)).toBe(2);
  });

  it("refuses an attestation whose subject is another bundle's pack, naming both digests", async () => {
    const other = (await packBundle(await bundleAt(COMMIT, "other"))).sha256;
    expect(other).not.toBe(digest);
    const r = await verifyWith(await attestation(await instance.mint(other, GENUINE)));
    expect(r.provenance?.problems).toEqual([expect.stringMatching(new RegExp(`^attestation subject: no subject has sha256 ${digest}, the digest of .* packed \\(its subjects: evidence\\.tar sha256 ${other}\\)$`))]);
    expect(verifyExitCode(r)).toBe(2);
  });

  it("refuses a certificate used outside its validity: the log entry is an hour after it expired", async () => {
    const late = await instance.mint(digest, GENUINE, { signedAt: new Date(Date.now() + 3600_000) });
    const r = await verifyWith(await attestation(late));
    expect(r.provenance?.problems).toEqual([expect.stringMatching(/^attestation certificate: Failed to verify certificate chain: certificate is not valid or expired at the specified date \(CERTIFICATE_ERROR\); checked against the trusted root in /)]);
    expect(verifyExitCode(r)).toBe(2);
  });

  it("refuses a certificate from a CA the trusted root does not list, and a test attestation under the public-good root", async () => {
    const rogue = await testInstance({ trustOtherCa: true });
    const rogueRoot = join(root, "rogue-root.json");
    await writeFile(rogueRoot, rogue.trustedRoot);
    const r = await verifyWith(await attestation(await rogue.mint(digest, GENUINE)), dir, { trustedRoot: rogueRoot });
    expect(r.provenance?.problems).toEqual([expect.stringMatching(/^attestation certificate: Failed to verify certificate chain: no valid certificate path found \(CERTIFICATE_ERROR\)/)]);
    const file = await attestation(await instance.mint(digest, GENUINE));
    const publicGood = await verifyBundle(dir, { families: [detectionFamily], attestation: { file, repo: GENUINE.repository } });
    expect(publicGood.provenance?.problems.join("\n")).toMatch(/^attestation certificate: .*checked against the public-good Sigstore trusted root shipped with @sigstore\/tuf \d+\.\d+\.\d+/);
    expect(verifyExitCode(publicGood)).toBe(2);
  });

  it("refuses a bundle whose run.json records its suite commit as dirty, or records none", async () => {
    for (const [name, commit, why] of [["dirty", `${COMMIT}-dirty`, /run\.json records .*-dirty, a work tree with uncommitted changes/], ["unknown", undefined, /run\.json records no suite commit/]] as const) {
      const cat = smallCatalogue(["cat", "proc-mem"]);
      const expectations = { ...verifierExpectations("ci").digests, catalogue: sha256(canonicalJson(cat)), ...(commit ? { commit } : {}) };
      const b = await buildDetectionBundle(join(root, name), { expectations });
      const r = await verifyWith(await attestation(await instance.mint((await packBundle(b)).sha256, GENUINE)), b);
      expect(r.provenance?.problems.join("\n")).toMatch(why);
      expect(verifyExitCode(r)).toBe(2);
    }
  });

  it("`secretproof verify --attestation` wires every flag: exit 2 naming the repository another --repo expects", async () => {
    const file = await attestation(await instance.mint(digest, GENUINE));
    const args = ["bin/secretproof.js", "verify", dir, "--catalogue", genuineCatalogue, "--attestation", file, "--repo", "acme/other", "--workflow", "e2e-kind.yml", "--ref", "refs/heads/main", "--trusted-root", trustedRoot];
    const wrong = await execa("node", args, { reject: false });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stdout).toMatch(/^ {2}- attestation repository \(1\.3\.6\.1\.4\.1\.57264\.1\.12\): the certificate names "https:\/\/github\.com\/acme\/secretproof", expected "https:\/\/github\.com\/acme\/other"$/m);
    expect(wrong.stdout, "the workflow URI names the repository too; nothing else differs").not.toMatch(/attestation (ref|commit|subject|certificate|issuer)/);
  });

  it("asks for --repo when this secretproof's package.json names no repository", () => {
    expect(ownRepository()).toBeUndefined();
    expect(() => expectedIdentity({ file: "a.json" }, COMMIT, undefined)).toThrow(/^verify --attestation a\.json: pass --repo owner\/name, .*package\.json names no repository to expect/);
    expect(expectedIdentity({ file: "a.json", workflow: "e2e-kind.yml" }, COMMIT, "acme/secretproof")).toEqual({ ...GENUINE, commit: COMMIT });
    expect(repositoryFromPackage({ type: "git", url: "git+https://github.com/acme/secretproof.git" })).toBe("acme/secretproof");
    expect(repositoryFromPackage("github:acme/secretproof")).toBe("acme/secretproof");
  });
});
