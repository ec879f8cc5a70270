import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ArtifactWriter } from "../../../harness/evidence/recorder.ts";
import { SealableWriter, SealedWriterError } from "../../../harness/evidence/sealable-writer.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "secretproof-seal-"));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("a sealable evidence writer", () => {
  it("refuses every write after the seal, reports each refusal, and leaves the files as they were at the seal", async () => {
    const reports: string[] = [];
    const w = new SealableWriter(new ArtifactWriter(dir), (l) => reports.push(l));
    await w.appendLine("dynamic/pg-roles.jsonl", "{\"n\":1}");
    await w.seal("the run was finalized");
    await expect(w.appendLine("dynamic/pg-roles.jsonl", "{\"n\":2}")).rejects.toBeInstanceOf(SealedWriterError);
    await expect(w.write("dynamic/observation.json", { steps: [] })).rejects.toThrow(/refused to write dynamic\/observation\.json in .*: the writer was sealed \(the run was finalized\)/);
    await expect(w.verdicts("dynamic", [])).rejects.toBeInstanceOf(SealedWriterError);
    expect(await readFile(join(dir, "dynamic/pg-roles.jsonl"), "utf8")).toBe("{\"n\":1}\n");
    await expect(readFile(join(dir, "dynamic/observation.json"))).rejects.toThrow();
    expect(w.refused).toEqual(["append to dynamic/pg-roles.jsonl", "write dynamic/observation.json", "record the dynamic verdicts"]);
    expect(reports).toHaveLength(3);
  });

  it("lets a write already under way land before the seal resolves", async () => {
    const w = new SealableWriter(new ArtifactWriter(dir), () => undefined);
    const inFlight = w.write("dynamic/d1.json", { ok: true });
    await w.seal("the run was finalized");
    expect(JSON.parse(await readFile(join(dir, "dynamic/d1.json"), "utf8"))).toEqual({ ok: true });
    await expect(inFlight).resolves.toBe("dynamic/d1.json");
  });
});
