import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LAYOUT as ENFORCEMENT } from "../../../harness/claims/enforcement/layout.ts";
import type { RunRecord } from "../../../harness/evidence/recorder.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { bundleView, type LoadedBundle } from "../../../harness/report/bundle.ts";
import { digestProblems, sha256 } from "../../../harness/report/expectations.ts";
import { suiteCommit, verifierExpectations } from "../../../harness/report/own-expectations.ts";
import { checkExpectations } from "../../../harness/report/verify-expectations.ts";
import { policyText } from "../../../harness/tetragon/policy.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-commit-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const git = (...args: string[]) => execa("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: root });

describe("the suite commit run.json records", () => {
  it("is HEAD when the work tree is clean, <sha>-dirty when a tracked file changed (not for an untracked one), unknown outside git", async () => {
    expect(suiteCommit(root), "not a git checkout").toBeUndefined();
    await git("init", "-q");
    await writeFile(join(root, "a.txt"), "one\n");
    await git("add", "a.txt");
    await git("commit", "-qm", "one");
    const head = (await git("rev-parse", "HEAD")).stdout.trim();
    await writeFile(join(root, "untracked.txt"), "x\n");
    expect(suiteCommit(root)).toBe(head);
    await writeFile(join(root, "a.txt"), "two\n");
    expect(suiteCommit(root)).toBe(`${head}-dirty`);
  });

  it("names the commit to check out when a digest differs, and says a dirty one may differ even then", () => {
    const own = verifierExpectations("ci").digests;
    const recorded = { ...own, falcoRules: "f".repeat(64) };
    expect(digestProblems({ ...recorded, commit: "abc1234" }, own)).toEqual([
      `the bundle's Falco rules (sha256 ffffffffffff…) is not this verifier's (sha256 ${own.falcoRules.slice(0, 12)}…): check out abc1234 of secretproof and verify again`,
    ]);
    expect(digestProblems({ ...recorded, commit: "abc1234-dirty" }, own)[0]).toMatch(/: check out abc1234 of secretproof and verify again \(the run's work tree had uncommitted changes on it, so even that may differ\)$/);
  });
});

function bundleWithPolicy(policy: string, recordedPolicy: string): LoadedBundle {
  const expectations = { ...verifierExpectations("ci").digests, tetragonPolicy: recordedPolicy };
  const run = { profile: PROFILES.ci, expectations } as unknown as RunRecord;
  return { dir: "bundle", view: bundleView(new Map([[ENFORCEMENT.policy, Buffer.from(policy)]])), integrity: [], run };
}

describe("verify compares the TracingPolicy the run applied with the policy digest it records", () => {
  const own = sha256(policyText().replaceAll("\r\n", "\n"));

  it("accepts the applied policy whose digest the run records", () => {
    expect(checkExpectations(bundleWithPolicy(policyText(), own)).integrity).toEqual([]);
  });

  it("refuses an applied policy that is not the one recorded, naming both digests", () => {
    const edited = policyText().replace("action: Sigkill", "action: Post");
    expect(edited).not.toBe(policyText());
    const problems = checkExpectations(bundleWithPolicy(edited, own)).integrity;
    expect(problems).toEqual([`${ENFORCEMENT.policy}, the TracingPolicy the run applied (sha256 ${sha256(edited).slice(0, 12)}…), is not the Tetragon policy its expectations record (sha256 ${own.slice(0, 12)}…)`]);
  });
});
