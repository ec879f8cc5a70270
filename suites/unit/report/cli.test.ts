import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildBundle, rewriteManifest } from "../../support/build-bundle.ts";
import { buildEnforcementBundle, enforcementCatalogueFile } from "../../support/build-enforcement-bundle.ts";

const cli = (...args: string[]) => execa("node", ["bin/secretproof.js", ...args], { reject: false });

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-cli-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("secretproof verify / report / versions", () => {
  it("verify exits 1 on an intact bundle that does not prove every claim, 2 once a file is changed", async () => {
    const dir = await buildEnforcementBundle(root);
    const catalogue = await enforcementCatalogueFile(root);
    let r = await cli("verify", "--catalogue", catalogue, dir);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain("integrity: every file matches SHA256SUMS; run.json is valid");
    expect(r.stdout).toMatch(/T1 \(cat\)\s+pass/);
    expect(r.stdout).toMatch(/^FAIL: not proven: A1, A2, D1/m);
    await writeFile(join(dir, "enforcement/rules.json"), "{}");
    r = await cli("verify", "--json", "--catalogue", catalogue, dir);
    expect(r.exitCode).toBe(2);
    expect(JSON.parse(r.stdout).integrity).toEqual(["changed file: enforcement/rules.json does not match its sha256 in SHA256SUMS"]);
  });

  it("report writes both reports, prints the job summary, and refuses a tampered bundle", async () => {
    const { dir } = await buildBundle(root, { survivors: ["cat"] });
    const out = join(root, "out");
    const r = await cli("report", dir, "--out", out, "--summary");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^# secretproof evidence report: run /);
    expect(r.stdout).toMatch(/\| T1 \(cat\) \| Tetragon kills every unauthorized reader \| ❌ fail \|/);
    expect(await readFile(join(out, "report.html"), "utf8")).toBe(await readFile(join(dir, "report.html"), "utf8"));
    await rm(join(dir, "T1/tetragon.jsonl"));
    const bad = await cli("report", dir);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("missing file: T1/tetragon.jsonl is listed in SHA256SUMS but absent");
  });

  it("versions prints the pins for $GITHUB_ENV", async () => {
    const r = await cli("versions", "--format", "env");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^PIN_KIND_CLI=v\d+\.\d+\.\d+$/m);
  });
});

describe("secretproof report inside a bundle", () => {
  it("never replaces a report the manifest covers with different content", async () => {
    const { dir } = await buildBundle(root);
    const html = join(dir, "report.html");
    await writeFile(html, (await readFile(html, "utf8")).replace("<h1>", "<h1>older renderer "));
    await rewriteManifest(dir);
    const r = await cli("report", dir);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/report\.html is covered by SHA256SUMS and differs .*--out <dir>/);
    expect(await readFile(html, "utf8")).toContain("older renderer");
    expect((await cli("report", dir, "--out", join(root, "fresh"))).exitCode).toBe(0);
  });
});
