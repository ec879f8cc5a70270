import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { accessPlan, READ_ONLY } from "../../../harness/audit/access-plan.ts";
import { KIND_AUDIT_DECIDES, auditRunOf, compareRuns, suitesRunOf } from "../../../harness/audit/compare.ts";
import { compareAction } from "../../../harness/audit/compare-action.ts";
import { kindEtcdAccess } from "../../../harness/audit/kind-etcd.ts";
import { permissionsToCheck } from "../../../harness/audit/preflight-judge.ts";
import { type AuditRecord, runAudit } from "../../../harness/audit/run-audit.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { type Verdict, verdict } from "../../../harness/claims/verdict.ts";
import { MANIFEST, buildManifest } from "../../../harness/evidence/manifest.ts";
import { EvidenceRecorder, RUN_JSON } from "../../../harness/evidence/recorder.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { loadBundle } from "../../../harness/report/bundle.ts";

const target = { ...kindTarget("secretproof"), etcd: kindEtcdAccess("172.18.0.2", "/tmp/etcd") };
const tool = { name: "secretproof", version: "0.1.0", node: process.version };
let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-compare-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A finalized suites' run with these verdicts, written by the recorder. */
async function suitesBundle(verdicts: Verdict[]): Promise<string> {
  const rec = await EvidenceRecorder.create(join(root, "suites"), { tool, profile: PROFILES.ci, versions });
  for (const v of verdicts) rec.verdict(v);
  await rec.finalize(verdicts.some((v) => v.verdict === "fail") ? "failed" : "passed");
  return rec.dir;
}

/** A finalized audit run: its record's claims (run or inconclusive) and the verdicts of the claims it ran. */
async function auditBundle(claims: AuditRecord["claims"], verdicts: Verdict[], o: { mode?: string; finalize?: boolean } = {}): Promise<string> {
  const rec = await EvidenceRecorder.create(join(root, "audit"), { tool, profile: PROFILES.ci, versions, environment: { mode: o.mode ?? "audit", kubeContext: target.kubeContext } });
  (rec.record as typeof rec.record & { audit: AuditRecord }).audit = { mode: "audit", access: "read-only", target, identity: { username: "kubernetes-admin" }, claims };
  for (const v of verdicts) rec.verdict(v);
  if (o.finalize !== false) await rec.finalize("passed");
  return rec.dir;
}

const pass = (c: Verdict["claim"]) => verdict(c, true, [`${c} held`]);
const fail = (c: Verdict["claim"]) => verdict(c, false, [`${c} broke`]);
const run = (claim: string) => ({ claim, status: "run" as const, reasons: [], limits: [] });
const open = (claim: string, reason: string) => ({ claim, status: "inconclusive" as const, reasons: [reason], limits: [] });
const a2Open = verdict("A2", "inconclusive", ["an audit never writes to the cluster, so no canary Secret was planted for the scan to find"]);

async function compare(suitesDir: string, auditDir: string) {
  return compareRuns(suitesRunOf(await loadBundle(suitesDir)), auditRunOf(await loadBundle(auditDir)), KIND_AUDIT_DECIDES);
}

describe("secretproof audit compare", () => {
  it("agrees when every claim the audit decided carries the suites' verdict, and prints one line per claim with the audit's reasons", async () => {
    const suites = await suitesBundle([pass("A1"), pass("A2"), pass("D1"), fail("T1")]);
    const audit = await auditBundle([run("A1"), run("A2"), open("D1", "D1 needs\ncreate pods/exec in postgres")], [pass("A1"), a2Open]);
    const c = await compare(suites, audit);
    expect(c.exitCode).toBe(0);
    expect(c.lines).toHaveLength(13 + 1);
    expect(c.lines.slice(0, 4)).toEqual([
      "A1: suites pass, audit pass",
      "A2: suites pass, audit inconclusive: an audit never writes to the cluster, so no canary Secret was planted for the scan to find",
      "D1: suites pass, audit inconclusive: D1 needs create pods/exec in postgres",
      "D2: suites not run, audit inconclusive: the audit's record does not list it",
    ]);
    expect(c.lines.find((l) => l.startsWith("T1:"))).toBe("T1: suites fail, audit inconclusive: the audit's record does not list it");
    expect(c.lines.at(-1)).toBe("the audit decided A1, each as the suites did");
  });

  it("exits 1 naming the claim when the audit decided it otherwise than the suites judged it", async () => {
    const audit = await auditBundle([run("A1"), run("A2")], [fail("A1"), fail("A2")]);
    const c = await compare(await suitesBundle([pass("A1"), fail("A2")]), audit);
    expect(c.exitCode).toBe(1);
    expect(c.mismatches).toEqual(["A1"]);
    expect(c.lines.slice(0, 2)).toEqual(["A1: suites pass, audit fail: MISMATCH", "A2: suites fail, audit fail"]);
    expect(c.lines.at(-1)).toBe("the audit's verdicts differ from the suites' for A1");
  });

  it("exits 2, not 1, when the suites did not judge a claim the audit decided (not run, or inconclusive): nothing to hold it to", async () => {
    const audit = await auditBundle([run("A1"), run("A2")], [pass("A1"), fail("A2")]);
    // npm test ended before A1 ran; A2's suite was inconclusive
    const c = await compare(await suitesBundle([verdict("A2", "inconclusive", ["the scan did not complete"])]), audit);
    expect(c).toMatchObject({ exitCode: 2, mismatches: [], undecided: [], unjudged: ["A1", "A2"] });
    expect(c.lines.slice(0, 2)).toEqual(["A1: the suites did not judge it (not run); audit pass", "A2: the suites did not judge it (inconclusive); audit fail"]);
    expect(c.lines.at(-1)).toBe("the suites did not judge A1 (not run), A2 (inconclusive), which the audit decided: the comparison tested nothing there (did npm test end early?)");
    // a real mismatch elsewhere still exits 1
    const other = await compare(await suitesBundle([fail("A2")]), await auditBundle([run("A1"), run("A2")], [pass("A1"), pass("A2")]));
    expect([other.exitCode, other.mismatches, other.unjudged]).toEqual([1, ["A2"], ["A1"]]);
  });

  it("exits 2 when the audit decided none of the claims it must on the kind target, even if it decided another the same way", async () => {
    const audit = await auditBundle([open("A1", "etcd not reachable: target.etcd is none (managed control plane)"), run("A2")], [pass("A2")]);
    const c = await compare(await suitesBundle([pass("A1"), pass("A2")]), audit);
    expect(c).toMatchObject({ exitCode: 2, undecided: ["A1"], mismatches: [] });
    expect(c.lines[0]).toBe("A1: suites pass, audit inconclusive: etcd not reachable: target.etcd is none (managed control plane)");
    expect(c.lines.at(-1)).toBe("the audit did not decide A1, which a read-only audit of this target must decide (it decided A2): the comparison tested nothing there");
  });

  it("exits 2 on a bundle the real read-only audit wrote when the identity may read nothing", async () => {
    const denied = permissionsToCheck(accessPlan(target, READ_ONLY)).map((permission) => ({ permission, status: { allowed: false } }));
    const io = { kube: { json: () => Promise.reject(new Error("no kubectl call expected")) }, reviewAccess: async () => denied, checkOutside: async () => [], whoAmI: async () => ({ username: "nobody" }) };
    const result = await runAudit({ target, profile: PROFILES.ci, root: join(root, "audit"), io });
    const suites = await suitesBundle([pass("A1"), pass("A2")]);
    const c = await compare(suites, result.dir);
    expect(c.exitCode).toBe(2);
    expect(c.lines[0]).toMatch(/^A1: suites pass, audit inconclusive: \S/);
    process.exitCode = undefined;
    await compareAction(suites, result.dir);
    expect(process.exitCode).toBe(2);
    process.exitCode = undefined;
  });

  it("refuses a truncated bundle, an unfinished run, a suites' bundle that is an audit, and an audit bundle that is not one", async () => {
    const suites = await suitesBundle([pass("A1")]);
    const audit = await auditBundle([run("A1")], [pass("A1")]);
    await expect(compare(audit, audit)).rejects.toThrow(`${audit} is an audit bundle (run.json records an audit); give the e2e suites' run directory first`);
    await expect(compare(suites, suites)).rejects.toThrow(`${suites} is not an audit bundle: run.json has no audit record; give the directory \`secretproof audit --out\` created`);
    const unfinished = await auditBundle([run("A1")], [pass("A1")], { finalize: false });
    await expect(compare(suites, unfinished)).rejects.toThrow(/the audit bundle\) cannot be compared: .*SHA256SUMS/);
    // a manifest over a run.json still saying running: the run never reached its finalize
    const running = await auditBundle([run("A1")], [pass("A1")]);
    const record = JSON.parse(await readFile(join(running, RUN_JSON), "utf8")) as { status: string };
    await writeFile(join(running, RUN_JSON), JSON.stringify({ ...record, status: "running" }));
    await writeFile(join(running, MANIFEST), await buildManifest(running));
    await expect(compare(suites, running)).rejects.toThrow(`${running} (the audit bundle) cannot be compared: run.json says status running, so the run never finalized it (truncated)`);
    const text = await readFile(join(audit, RUN_JSON), "utf8");
    await writeFile(join(audit, RUN_JSON), text.slice(0, text.length / 2));
    await expect(compare(suites, audit)).rejects.toThrow(new RegExp(`^${audit} \\(the audit bundle\\) cannot be compared: changed file: run.json does not match its sha256 in SHA256SUMS; run.json is not valid JSON \\(\\d+ bytes\\): truncated or corrupted`));
  });
});
