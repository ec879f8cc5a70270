import { randomBytes } from "node:crypto";
import { appendFile, mkdtemp, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ClaimId } from "../../../harness/claims/verdict.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { formatVerify, verifyExitCode } from "../../../harness/report/verify-format.ts";
import { PASSWORD, buildBundle, rewriteManifest } from "../../support/build-bundle.ts";
import { fixtureFamily } from "../../support/fixture-family.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-verify-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const opts = { families: [fixtureFamily], requiredClaims: ["A2", "T1"] as ClaimId[] };
const verify = (dir: string) => verifyBundle(dir, opts);

describe("secretproof verify", () => {
  it("passes an intact bundle whose evidence, judged again, gives the recorded verdicts", async () => {
    const { dir } = await buildBundle(root);
    const r = await verify(dir);
    expect(r.integrity).toEqual([]);
    expect(r.leaks).toEqual([]);
    expect(r.mismatches).toEqual([]);
    expect(r.rejudged).toEqual(["fixture-readers"]);
    expect(r.verdicts.map((v) => [v.claim, v.subject, v.verdict])).toEqual([
      ["A2", undefined, "pass"],
      ["T1", "cat", "pass"],
      ["T1", "python3-open", "pass"],
    ]);
    expect(r.ok).toBe(true);
    expect(verifyExitCode(r)).toBe(0);
    const text = formatVerify(r);
    expect(text).toMatch(/T1 \(python3-open\)\s+pass/);
    expect(text).toMatch(/^PASS/m);
  });

  it("fails, naming the claim, when one reader survived; the redacted password it printed is not a leak", async () => {
    const { dir } = await buildBundle(root, { survivors: ["python3-open"] });
    expect(await readFile(join(dir, "T1/attempt-python3-open.json"), "utf8")).toContain("<redacted sha256:");
    const r = await verify(dir);
    expect(r.trusted).toBe(true);
    expect(r.failedClaims).toEqual(["T1"]);
    expect(verifyExitCode(r)).toBe(1);
    expect(r.verdicts.find((v) => v.subject === "python3-open")?.verdict).toBe("fail");
    expect(formatVerify(r)).toMatch(/T1 \(python3-open\)\s+fail\s+.*exited 0, not 137/);
    expect(formatVerify(r)).not.toContain(PASSWORD);
  });

  it("names a changed evidence file", async () => {
    const { dir } = await buildBundle(root);
    await writeFile(join(dir, "T1/attempt-cat.json"), JSON.stringify({ exitCode: 137 }));
    const r = await verify(dir);
    expect(r.integrity).toContain("changed file: T1/attempt-cat.json does not match its sha256 in SHA256SUMS");
    expect(verifyExitCode(r)).toBe(2);
    expect(formatVerify(r)).toMatch(/^UNTRUSTED/m);
  });

  it("names a missing evidence file, and the judge that can no longer decide", async () => {
    const { dir } = await buildBundle(root);
    await rm(join(dir, "T1/tetragon.jsonl"));
    const r = await verify(dir);
    expect(r.integrity).toContain("missing file: T1/tetragon.jsonl is listed in SHA256SUMS but absent");
    expect(r.mismatches.join("\n")).toMatch(/could not re-judge.*T1\/tetragon\.jsonl/);
    expect(verifyExitCode(r)).toBe(2);
  });

  it("names a file added after the run", async () => {
    const { dir } = await buildBundle(root);
    await writeFile(join(dir, "T1/extra.json"), "{}");
    expect((await verify(dir)).integrity).toEqual(["unlisted file: T1/extra.json is not in SHA256SUMS"]);
  });

  it("explains a truncated run.json, even when the manifest was recomputed to match", async () => {
    const { dir } = await buildBundle(root);
    await truncate(join(dir, "run.json"), 200);
    let r = await verify(dir);
    expect(r.integrity).toContain("changed file: run.json does not match its sha256 in SHA256SUMS");
    expect(r.integrity.join("\n")).toMatch(/run\.json is not valid JSON \(200 bytes\): truncated or corrupted/);
    await rewriteManifest(dir);
    r = await verify(dir);
    expect(r.integrity).toHaveLength(1);
    expect(r.integrity[0]).toMatch(/^run\.json is not valid JSON/);
    expect(verifyExitCode(r)).toBe(2);
  });

  it("names a run.json field of the wrong shape", async () => {
    const { dir } = await buildBundle(root);
    const run = JSON.parse(await readFile(join(dir, "run.json"), "utf8"));
    run.verdicts[0].verdict = "passed";
    delete run.tool;
    await writeFile(join(dir, "run.json"), JSON.stringify(run));
    await rewriteManifest(dir);
    const msg = (await verify(dir)).integrity.join("\n");
    expect(msg).toMatch(/\/verdicts\/0\/verdict must be equal to one of the allowed values \(pass, fail, inconclusive\)/);
    expect(msg).toMatch(/\(top level\) is missing tool/);
  });

  it("finds a planted Vault token without printing it", async () => {
    const { dir } = await buildBundle(root);
    const token = `hvs.${randomBytes(70).toString("base64url")}`;
    await appendFile(join(dir, "T1/tetragon.jsonl"), `{"note":"leaked ${token}"}\n`);
    await rewriteManifest(dir);
    const r = await verify(dir);
    expect(r.leaks.map((l) => `${l.path}:${l.line} ${l.kind}`)).toEqual(["T1/tetragon.jsonl:3 Vault token (hvs./hvb./hvr.)"]);
    expect(verifyExitCode(r)).toBe(2);
    const out = formatVerify(r) + JSON.stringify(r);
    expect(out).not.toContain(token);
    expect(out).not.toContain(token.slice(4, 30));
  });

  it("with the auditor's encryption key, finds that key in a bundle file in any spelling, without printing it", async () => {
    const { dir } = await buildBundle(root);
    const key = randomBytes(32);
    const keys = { rejudge: { encryptionKeys: [{ name: "key1", provider: "aescbc", secret: key }] } };
    expect((await verifyBundle(dir, { ...opts, ...keys })).leaks).toEqual([]);
    await appendFile(join(dir, "T1/tetragon.jsonl"), `{"note":"${Buffer.concat([Buffer.from("x"), key]).toString("base64")}"}\n`);
    await rewriteManifest(dir);
    expect((await verify(dir)).leaks).toEqual([]); // random bytes have no shape: only the value finds them
    const r = await verifyBundle(dir, { ...opts, ...keys });
    expect(r.leaks.map((l) => `${l.path}:${l.line} ${l.kind}`)).toEqual(['T1/tetragon.jsonl:3 known secret (etcd encryption key "key1")']);
    expect(verifyExitCode(r)).toBe(2);
    const out = formatVerify(r) + JSON.stringify(r);
    expect(out).not.toContain(key.toString("base64").slice(0, 24));
  });

  it("catches verdicts that were edited and re-hashed: the evidence still judges fail", async () => {
    const { dir } = await buildBundle(root, { survivors: ["cat"] });
    for (const f of ["run.json", "verdicts/fixture-readers.json"]) {
      const text = await readFile(join(dir, f), "utf8");
      await writeFile(join(dir, f), text.replaceAll('"verdict": "fail"', '"verdict": "pass"'));
    }
    await rm(join(dir, "report.md"));
    await rm(join(dir, "report.html"));
    await rewriteManifest(dir);
    const r = await verify(dir);
    expect(r.integrity).toEqual([]);
    expect(r.mismatches).toEqual(["family fixture-readers: T1 (cat) was recorded as pass; the evidence now judges fail"]);
    expect(r.verdicts.find((v) => v.subject === "cat")?.verdict).toBe("fail");
    expect(verifyExitCode(r)).toBe(2);
  });

  it("catches an edited report even when it was re-hashed", async () => {
    const { dir } = await buildBundle(root, { survivors: ["cat"] });
    const html = await readFile(join(dir, "report.html"), "utf8");
    const forged = html.replace('<a class="cell v-fail" href="#claim-T1"', '<a class="cell v-pass" href="#claim-T1"');
    expect(forged).not.toBe(html);
    await writeFile(join(dir, "report.html"), forged);
    await rewriteManifest(dir);
    expect((await verify(dir)).integrity).toEqual([
      "changed file: report.html does not match the report the bundle's evidence renders to",
    ]);
  });

  it("accepts reports regenerated after the run, outside the manifest", async () => {
    const { dir } = await buildBundle(root);
    const md = await readFile(join(dir, "report.md"), "utf8");
    const sums = (await readFile(join(dir, "SHA256SUMS"), "utf8")).split("\n").filter((l) => !l.endsWith("  report.md"));
    await writeFile(join(dir, "SHA256SUMS"), sums.join("\n"));
    await writeFile(join(dir, "report.md"), md);
    expect((await verify(dir)).ok).toBe(true);
  });

  it("does not pass a bundle that lacks claims: every claim must be proven", async () => {
    const { dir } = await buildBundle(root);
    const r = await verifyBundle(dir, { families: [fixtureFamily] });
    expect(r.trusted).toBe(true);
    expect(r.failedClaims).toEqual(["A1", "D1", "D2", "D3", "D4", "F1", "F2", "T2", "T3", "N1", "L1"]);
    expect(verifyExitCode(r)).toBe(1);
    expect(formatVerify(r)).toMatch(/D1\s+not proven\s+no claim family here re-judges it/);
  });

  it("refuses a directory that is not a bundle", async () => {
    const r = await verify(root);
    expect(r.integrity.join("\n")).toMatch(/no readable SHA256SUMS: not an evidence bundle, or truncated/);
    expect(r.integrity.join("\n")).toMatch(/run\.json is absent/);
    await expect(verify(join(root, "nope"))).rejects.toThrow(/not readable: no evidence bundle there/);
  });
});
