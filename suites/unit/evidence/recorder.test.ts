import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArtifactWriter, EvidenceRecorder } from "../../../harness/evidence/recorder.ts";
import { checkManifest, listFiles, parseManifest } from "../../../harness/evidence/manifest.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { generateVaultRootToken } from "../../../harness/cluster/state/vault-root-token.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-rec-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function allBytes(dir: string): Promise<string> {
  const files = await listFiles(dir);
  const parts = await Promise.all(files.map((f) => readFile(join(dir, f), "latin1")));
  return parts.join("\n");
}

describe("evidence recorder", () => {
  it("a registered secret never reaches any written file, in any spelling", async () => {
    const red = new Redactor();
    const password = "gXH2tx-vLIQ5AcFL7gPD";
    const token = generateVaultRootToken();
    const key = randomBytes(32);
    red.register(password, "db password");
    red.register(token, "vault root token");
    red.register(key.toString("base64"), "encryption key");
    const rec = await EvidenceRecorder.create(root, { tool: { name: "t", version: "0", node: "20" }, profile: { token }, versions: {} }, red);
    await rec.write("D1/creds.json", { username: "v-kubernet-x", password, nested: JSON.stringify({ password }) });
    await rec.write("F1/exec-cat.txt", `stdout:\n${password}\n\nstderr:\n`);
    await rec.write("A1/etcd.b64", Buffer.from(`k8s\u0000...${password}...`).toString("base64"));
    await rec.write("A1/key.bin", Buffer.concat([randomBytes(5), Buffer.from(key.toString("base64"))]));
    await rec.appendLine("F1/falco.jsonl", JSON.stringify({ output: `cmd=echo ${token}` }));
    rec.verdict({ claim: "D1", verdict: "pass", reasons: [`role logged in with ${password}`], evidence: [] });
    await rec.finalize("passed");

    const everything = await allBytes(rec.dir);
    const checker = new Redactor();
    checker.register(password, "p");
    checker.register(token, "t");
    checker.register(key.toString("base64"), "k");
    expect(checker.leaks(everything)).toBe(false);
    expect(everything).toContain("<redacted sha256:");
    const run = JSON.parse(await readFile(join(rec.dir, "run.json"), "utf8"));
    expect(run.status).toBe("passed");
    expect(run.redacted).toEqual(["db password", "vault root token", "encryption key"]);
  });

  it("writes a SHA256SUMS that covers every file and detects tampering", async () => {
    const rec = await EvidenceRecorder.create(root, { tool: { name: "t", version: "0", node: "20" }, profile: {}, versions: {} }, new Redactor());
    await rec.write("A1/a.txt", "alpha");
    await rec.write("A2/b.txt", "beta");
    await rec.finalize("failed");
    const manifest = parseManifest(await readFile(join(rec.dir, "SHA256SUMS"), "utf8"));
    expect(manifest.map((e) => e.path)).toEqual(["A1/a.txt", "A2/b.txt", "run.json"]);
    expect((await checkManifest(rec.dir)).ok).toBe(true);

    await writeFile(join(rec.dir, "A1/a.txt"), "alphA");
    await rm(join(rec.dir, "A2/b.txt"));
    await writeFile(join(rec.dir, "extra.txt"), "x");
    expect(await checkManifest(rec.dir)).toEqual({ ok: false, missing: ["A2/b.txt"], changed: ["A1/a.txt"], unlisted: ["extra.txt"] });
  });

  it("refuses paths that escape the run directory or overwrite its index", async () => {
    const rec = await EvidenceRecorder.create(root, { tool: { name: "t", version: "0", node: "20" }, profile: {}, versions: {} }, new Redactor());
    for (const bad of ["../x", "/etc/passwd", "run.json", "SHA256SUMS", "a/../../x", ""]) {
      await expect(rec.write(bad, "x"), bad).rejects.toThrow(/invalid evidence path/);
    }
  });

  it("folds every family's verdicts, written by separate writers, into run.json", async () => {
    const rec = await EvidenceRecorder.create(root, { tool: { name: "t", version: "0", node: "20" }, profile: {}, versions: {} }, new Redactor());
    const worker = new ArtifactWriter(rec.dir, new Redactor());
    await worker.verdicts("encryption", [{ claim: "A1", verdict: "pass", reasons: ["aescbc"], evidence: ["A1/canary.b64"] }]);
    await worker.verdicts("dynamic", [{ claim: "D1", verdict: "fail", reasons: ["no lease"], evidence: [] }]);
    await expect(worker.verdicts("../x", [])).rejects.toThrow(/invalid claim family/);
    await rec.finalize("failed");
    const run = JSON.parse(await readFile(join(rec.dir, "run.json"), "utf8"));
    expect(run.verdicts.map((v: { claim: string }) => v.claim)).toEqual(["D1", "A1"]);
    expect((await checkManifest(rec.dir)).ok).toBe(true);
  });

  it("names a malformed manifest line", () => {
    expect(() => parseManifest("abc  run.json\n")).toThrow(/line 1 is malformed/);
  });
});
