import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeN1Evidence, type N1Record } from "../../../harness/claims/network/evidence.ts";
import { networkFamily } from "../../../harness/claims/network/family.ts";
import { judgeN1 } from "../../../harness/claims/network/judge.ts";
import { LAYOUT } from "../../../harness/claims/network/layout.ts";
import { judgeCiliumConfig } from "../../../harness/claims/network/upstream.ts";
import { ArtifactWriter } from "../../../harness/evidence/recorder.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { bundleView } from "../../../harness/report/bundle.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { renderAppEgressPolicy } from "../../../fixtures/manifests/network-policy.ts";
import { evidence } from "./samples.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-n1-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function view(dir: string) {
  const files = new Map<string, Buffer>();
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) files.set(relative(dir, join(e.parentPath, e.name)), await readFile(join(e.parentPath, e.name)));
  }
  return bundleView(files);
}

const record = (over = {}): N1Record => ({ ...evidence(over), upstream: judgeCiliumConfig({ "enable-hubble": "true" }), policy: renderAppEgressPolicy() });

describe("the network family re-judges N1 from its bundle", () => {
  it("is listed among the families, after enforcement", () => {
    const ids = FAMILIES.map((f) => f.id);
    expect(ids.indexOf("network")).toBeGreaterThan(ids.indexOf("enforcement"));
  });

  it("reaches the verdict the suite recorded, from the files it wrote", async () => {
    const r = record();
    const paths = await writeN1Evidence(new ArtifactWriter(root, new Redactor()), r);
    expect(paths.sort()).toEqual(Object.values(LAYOUT).sort());
    const [v] = networkFamily.rejudge(await view(root));
    expect(v).toEqual(judgeN1(r, Object.values(LAYOUT)));
    expect(v?.verdict).toBe("pass");
  });

  it("re-judges a bundle whose flows lack the drop to fail", async () => {
    await writeN1Evidence(new ArtifactWriter(root, new Redactor()), record({ flowsText: "" }));
    const [v] = networkFamily.rejudge(await view(root));
    expect(v?.verdict).toBe("fail");
    expect(v?.reasons.join()).toMatch(/no DROPPED\/POLICY_DENIED egress flow/);
  });

  it("names a missing or malformed evidence file instead of judging without it", async () => {
    await writeN1Evidence(new ArtifactWriter(root, new Redactor()), record());
    await rm(join(root, LAYOUT.control));
    expect(() => networkFamily.rejudge(bundleView(new Map()))).toThrow(/lacks N1's evidence: network\/upstream.json/);
    const partial = await view(root);
    expect(() => networkFamily.rejudge(partial)).toThrow(/network\/control.json/);
  });
});
