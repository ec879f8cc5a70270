import { release } from "node:os";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EvidenceRecorder } from "../../../harness/evidence/recorder.ts";
import { checkManifest } from "../../../harness/evidence/manifest.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { parseRunRecord, parseVerdicts } from "../../../harness/report/run-record.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-run-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const create = () =>
  EvidenceRecorder.create(root, { tool: { name: "secretproof", version: "0.1.0", node: process.version }, profile: { name: "ci" }, versions: {} }, new Redactor());

describe("run.json", () => {
  it("records the kernel the eBPF agents ran on and the Node version, and parses back", async () => {
    const rec = await create();
    await rec.finalize("passed");
    const run = parseRunRecord(await readFile(join(rec.dir, "run.json"), "utf8"));
    expect(run.environment.kernel).toBe(release());
    expect(run.environment.node).toBe(process.version);
    expect(run.environment.btf).toMatch(/^(\/sys\/kernel\/btf\/vmlinux|absent)$/);
    expect(run.status).toBe("passed");
  });

  it("covers files derived at finalize (the reports) with the manifest", async () => {
    const rec = await create();
    await rec.finalize("passed", { derive: async (dir) => rec.write("report.md", `# ${dir.length}`) });
    const sums = await readFile(join(rec.dir, "SHA256SUMS"), "utf8");
    expect(sums).toMatch(/ {2}report\.md$/m);
    expect((await checkManifest(rec.dir)).ok).toBe(true);
  });

  it("still gets its manifest when deriving the reports fails", async () => {
    const rec = await create();
    await expect(rec.finalize("failed", { derive: () => Promise.reject(new Error("render failed")) })).rejects.toThrow("render failed");
    expect((await checkManifest(rec.dir)).ok).toBe(true);
  });

  it("names what is wrong with a truncated, mistyped or future run.json", () => {
    expect(() => parseRunRecord('{"schemaVersion":1,"runId":"x"')).toThrow(
      /^run\.json is not valid JSON \(30 bytes\): truncated or corrupted: /,
    );
    expect(() => parseRunRecord('{"schemaVersion":2}')).toThrow("run.json has schemaVersion 2; this secretproof reads schemaVersion 1");
    expect(() => parseRunRecord('{"schemaVersion":1,"runId":"x","status":"done"}')).toThrow(
      /\/status must be equal to one of the allowed values \(running, passed, failed, aborted\).*\(top level\) is missing startedAt, tool, profile/,
    );
    expect(() => parseRunRecord("[]")).toThrow(/run\.json is not a valid run record.*\(top level\) must be object/);
  });

  it("names a verdicts file that is not a list of verdicts", () => {
    expect(() => parseVerdicts('[{"claim":"Z9","verdict":"pass","reasons":[],"evidence":[]}]', "verdicts/x.json")).toThrow(
      /^verdicts\/x\.json is not a valid list of verdicts: \/0\/claim must be equal to one of the allowed values \(A1, A2/,
    );
  });
});
