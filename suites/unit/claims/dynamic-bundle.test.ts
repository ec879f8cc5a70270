import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readDynamicEvidence, recordLine, recordPart, type DynamicEvidence } from "../../../harness/claims/dynamic/evidence.ts";
import { dynamicFamily, judgeDynamic } from "../../../harness/claims/dynamic/family.ts";
import { LAYOUT as P } from "../../../harness/claims/dynamic/layout.ts";
import { EvidenceRecorder } from "../../../harness/evidence/recorder.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { loadBundle } from "../../../harness/report/bundle.ts";
import { rejudgeFamily } from "../../../harness/report/rejudge.ts";
import { T0, cred, passingEvidence as evidence, snapshot } from "../../support/dynamic-fixtures.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-dynamic-bundle-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const BOOTSTRAP = "bootstrap-admin-Pw-4c1e9a";

/** Writes the evidence through the suite's writer (JSONL lines appended one by one, documents whole); returns what it kept. */
async function record(rec: EvidenceRecorder, e: DynamicEvidence): Promise<DynamicEvidence> {
  const kept: DynamicEvidence = { params: e.params };
  await recordPart(rec, kept, "params", e.params);
  for (const s of e.appSamples ?? []) await recordLine(rec, kept, "appSamples", s);
  for (const s of e.podSamples ?? []) await recordLine(rec, kept, "podSamples", s);
  for (const s of e.pgRoles ?? []) await recordLine(rec, kept, "pgRoles", s);
  for (const l of e.leases ?? []) await recordLine(rec, kept, "leases", l);
  if (e.d1) await recordPart(rec, kept, "d1", e.d1);
  if (e.revocation) await recordPart(rec, kept, "revocation", e.revocation);
  if (e.logins) await recordPart(rec, kept, "logins", e.logins);
  await rec.verdicts(dynamicFamily.id, judgeDynamic(kept));
  return kept;
}

describe("a dynamic-credentials bundle written by the recorder", () => {
  it("re-judges to the recorded verdicts, through redaction, the manifest and run.json", async () => {
    const red = new Redactor();
    red.register(BOOTSTRAP, "postgres bootstrap admin password");
    const rec = await EvidenceRecorder.create(root, { tool: { name: "secretproof", version: "0", node: process.version }, profile: "ci", versions: {} }, red);
    const e = evidence();
    await record(rec, e);
    await rec.finalize("passed");
    const b = await loadBundle(rec.dir);
    expect(b.integrity).toEqual([]);
    const r = rejudgeFamily(dynamicFamily, b.view, b.run?.verdicts ?? []);
    expect(r.integrity).toEqual([]);
    expect(r.mismatches).toEqual([]);
    expect(r.verdicts?.map((v) => `${v.claim}${v.subject === "explicit-revocation" ? "/revocation" : ""}:${v.verdict}`)).toEqual([
      "D1:pass",
      "D2:pass",
      "D3:pass",
      "D3/revocation:pass",
      "D4:pass",
    ]);
  });

  it("reads back exactly the evidence the writer kept and the suite judged", async () => {
    const rec = await EvidenceRecorder.create(root, { tool: { name: "secretproof", version: "0", node: process.version }, profile: "ci", versions: {} }, new Redactor());
    const kept = await record(rec, evidence());
    await rec.finalize("passed");
    const b = await loadBundle(rec.dir);
    expect(readDynamicEvidence(b.view)).toEqual({ ...kept, lingering: undefined, remountCadence: undefined });
    expect(kept.appSamples).toEqual(evidence().appSamples);
  });

  it("is caught when a snapshot is edited to hide a lingering role", async () => {
    const rec = await EvidenceRecorder.create(root, { tool: { name: "secretproof", version: "0", node: process.version }, profile: "ci", versions: {} }, new Redactor());
    await record(rec, evidence());
    await rec.finalize("passed");
    const path = join(rec.dir, P.pgRoles);
    const stale = JSON.stringify(snapshot(T0 + 150_000, [cred(0)]));
    await writeFile(path, `${await readFile(path, "utf8")}${stale}\n`);
    const b = await loadBundle(rec.dir);
    expect(b.integrity.join("\n")).toMatch(/changed file: dynamic\/pg-roles\.jsonl/);
    expect(rejudgeFamily(dynamicFamily, b.view, b.run?.verdicts ?? []).mismatches.join("\n")).toMatch(/D3 \(ttl-expiry\) was recorded as pass; the evidence now judges fail/);
  });
});
