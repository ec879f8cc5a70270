/**
 * For each mutation, the judges given evidence of that broken state, in the
 * real formats the suites record, fail the claims the catalogue declares.
 * Not covered here (they need evidence builders this tier does not have):
 * F1 under falco-read-rule-missing and app-not-pid1 (detection evidence),
 * D2 and D3 under agent-cache, long-ttl and static-credentials (dynamic
 * windows); the e2e mutation matrix proves those.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { falcoValues } from "../../../clusters/helm/falco.ts";
import { versions } from "../../../clusters/versions.ts";
import { VAULT_CSI_HMAC_KEY, credentialNeedles, judgeA2 } from "../../../harness/claims/a2-no-secrets/judge.ts";
import { judgeL1 } from "../../../harness/claims/app-leak/judge.ts";
import { scanAppOutputs } from "../../../harness/claims/app-leak/scan.ts";
import { judgeD1, judgeD4 } from "../../../harness/claims/dynamic/index.ts";
import { enforcementFamily } from "../../../harness/claims/enforcement/family.ts";
import { LAYOUT as ENF } from "../../../harness/claims/enforcement/layout.ts";
import { parseFalcoRuleConfig, ruleMatchingProblems } from "../../../harness/falco/rule-matching.ts";
import { CHART_RULES_FILES, pinnedRuleFiles } from "../../../harness/falco/shadowing.ts";
import { applyMutation } from "../../../harness/mutations/apply.ts";
import { findMutation, loadMutationCatalogue } from "../../../harness/mutations/catalogue.ts";
import type { MutableStack } from "../../../harness/mutations/stack.ts";
import { planStack } from "../../../harness/cluster/render/plan.ts";
import { loadPolicy } from "../../../harness/tetragon/policy.ts";
import { enforcementFiles, type EnforcementFilesOpts } from "../../support/build-enforcement-bundle.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { T0, cred, lease, login, ok, params, snapshot } from "../../support/dynamic-fixtures.ts";
import { SKEY, canarySecret, healthyCluster, recordA1 } from "../claims/families-a1-bundle.ts";
import { sampleInputs } from "../render/fixture-inputs.ts";

const cat = loadMutationCatalogue();
const declared = (name: string) => findMutation(cat, name).fail;
const base: MutableStack = { plan: planStack(sampleInputs()), tracingPolicy: loadPolicy() };
const failing = (verdicts: { claim: string; verdict: string }[]) => [...new Set(verdicts.filter((v) => v.verdict === "fail").map((v) => v.claim))].sort();
const enforcement = (o: EnforcementFilesOpts = {}, edit: (f: Record<string, string | object>) => void = () => {}) => {
  const files = enforcementFiles(o);
  edit(files);
  return enforcementFamily.rejudge(memoryBundle(files));
};

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-mutation-judges-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("the judges fail what each mutation breaks, on evidence of the broken state", () => {
  it("no-encryption: A1 fails on a canary Secret stored as plain protobuf", async () => {
    const cluster = healthyCluster();
    cluster.set(SKEY, canarySecret);
    const { verdict } = await recordA1(root, cluster);
    expect(verdict.verdict, verdict.reasons.join("\n")).toBe("fail");
    expect(declared("no-encryption")).toEqual(["A1"]);
  });

  const password = "A1a-4YtNq8ZpWk2Rv7Hs";
  const user = "v-kubernet-dynamic-Xk2Lw9QmZr7TyPb4NcHd-1795000000";
  const a2 = (secretNs: string, data: Record<string, string>) =>
    judgeA2({
      secretsAndConfigMaps: { apiVersion: "v1", kind: "List", items: [
        { apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { namespace: secretNs, name: "secure-test-app-db" }, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString("base64")])) },
        { apiVersion: "v1", kind: "Secret", type: "Opaque", metadata: { namespace: "secretproof-a2", name: "a2-planted" }, data: { password: Buffer.from("a2-canary-0123456789abcdef").toString("base64") } },
      ] },
      pods: { apiVersion: "v1", kind: "List", items: [] },
      identities: credentialNeedles({ usernames: [user], password, passwordReadAt: "2026-11-02T10:00:07.120Z" }),
      control: { needle: { label: "planted canary", value: "a2-canary-0123456789abcdef" }, namespace: "secretproof-a2", name: "a2-planted" },
      secretFreeNamespaces: ["test-dynamic"],
      allowedSecrets: [VAULT_CSI_HMAC_KEY("vault")],
      evidence: [],
    }).verdict;

  it("secret-sync: A2 fails on the synced Secret in test-dynamic holding the mounted credential", () => {
    const spc = applyMutation(base, findMutation(cat, "secret-sync")).plan.app.secretProviderClass as unknown as { spec: { secretObjects: { secretName: string }[] } };
    const v = a2("test-dynamic", { username: user, password });
    expect(spc.spec.secretObjects[0]!.secretName).toBe("secure-test-app-db");
    expect(v.verdict, v.reasons.join("\n")).toBe("fail");
    expect(declared("secret-sync")).toEqual(["A2"]);
  });

  it("static-credentials: A2 fails on the static login's Secret, D4 on the unrotated admin password, T2 on an identity that never rotates", () => {
    expect(a2("test-dynamic", { username: "postgres", password: "bootstrap-admin-pw-1" }).verdict).toBe("fail");
    const d4 = judgeD4({ bootstrap: login("postgres", "bootstrap admin password", "accepted"), wrongPassword: login("postgres", "random wrong password", "rejected"), valid: login(cred(5).username, "fresh dynamic credential", "accepted"), rootUsername: "postgres" }, []);
    expect(d4.verdict).toBe("fail");
    const t = enforcement({ identities: ["postgres", "postgres", "postgres"] });
    expect(failing(t)).toEqual(["T2"]);
    expect(declared("static-credentials")).toEqual(expect.arrayContaining(["A2", "D4", "T2"]));
  });

  it("agent-cache: T2 fails when the app reports one identity throughout", () => {
    expect(failing(enforcement({ identities: ["v-k-dyn-a", "v-k-dyn-a", "v-k-dyn-a"] }))).toEqual(["T2"]);
    expect(declared("agent-cache")).toContain("T2");
  });

  it("long-ttl: D1 fails on a role whose lease lives a day instead of the profile's TTL", () => {
    const day = 86_400_000;
    const c = cred(3, 15_000, day);
    const now = T0 + 50_000;
    const v = judgeD1({ sample: ok(now, c.username), snapshot: snapshot(now + 200, [c]), leases: [lease(c, now + 500, { ttlMs: day })], params }, []);
    expect(v.verdict).toBe("fail");
    expect(v.reasons.join("\n")).toMatch(/the lease lives 1440m00s, not the role's default_ttl/);
    expect(declared("long-ttl")).toContain("D1");
  });

  it("no-rotate-root: D4 fails when the bootstrap admin password still logs in", () => {
    const v = judgeD4({ bootstrap: login("postgres", "bootstrap admin password", "accepted"), wrongPassword: login("postgres", "random wrong password", "rejected"), valid: login(cred(5).username, "fresh dynamic credential", "accepted"), rootUsername: "postgres" }, []);
    expect(v.verdict).toBe("fail");
    expect(declared("no-rotate-root")).toEqual(["D4"]);
  });

  it("falco-read-rule-missing: T3 fails when a killed read raised no READ alert", () => {
    const t = enforcement({}, (f) => {
      f[ENF.alerts] = String(f[ENF.alerts]).split("\n").filter((l) => !l.includes("SecretProof - Secret File Read")).join("\n");
    });
    expect(failing(t)).toContain("T3");
    expect(failing(t).every((c) => declared("falco-read-rule-missing").includes(c as never))).toBe(true);
  });

  it("falco-first-match: the running-config check refuses rule_matching first, naming the shadowed SHELL rule", () => {
    const values = applyMutation(base, findMutation(cat, "falco-first-match")).plan.releases.falco.values as { falco: Record<string, unknown> };
    expect(values.falco.rule_matching).toBe("first");
    const where = "/etc/falco/falco.yaml";
    const yaml = stringify({ rules_files: CHART_RULES_FILES, ...values.falco });
    const problems = ruleMatchingProblems(parseFalcoRuleConfig(yaml, where), pinnedRuleFiles(), where).join("\n");
    expect(problems).toMatch(/"SecretProof - Interactive Shell Spawned"/);
    expect(ruleMatchingProblems(parseFalcoRuleConfig(stringify({ rules_files: CHART_RULES_FILES, ...(falcoValues(versions, "").falco as object) }), where), pinnedRuleFiles(), where)).toEqual([]);
    expect(findMutation(cat, "falco-first-match").refusedBy).toMatch(/assertFalcoRunsAllRules/);
  });

  it("tetragon-monitor: T1 fails when the kprobe reports Sigkill but the reader exits without SIGKILL", () => {
    expect(failing(enforcement({ catExitSignal: "" }))).toContain("T1");
    expect(declared("tetragon-monitor")).toContain("T1");
  });

  it("tetragon-follow-forks: T1 fails when the reader is spared and prints the credential", () => {
    expect(failing(enforcement({ catSurvived: true }))).toContain("T1");
    expect(declared("tetragon-follow-forks")).toContain("T1");
  });

  it("app-not-pid1: T2 fails when the app answers from a process other than PID 1", () => {
    const t = enforcement({}, (f) => {
      f[ENF.probes] = String(f[ENF.probes]).replaceAll('"pid":1', '"pid":7');
    });
    expect(failing(t)).toEqual(["T2"]);
    expect(declared("app-not-pid1")).toContain("T2");
  });

  it("app-leak: L1 fails on the app's answer and log holding the password's first four characters", () => {
    const body = JSON.stringify({ db_user: user, server_addr: "10.244.0.12", db_time: "2026-11-02T10:00:07.120+00:00", pid: 1, password_hint: `${password.slice(0, 4)}****` });
    const log = `secure-test-app: connected as ${user}, password ${password.slice(0, 4)}****\n`;
    const scan = scanAppOutputs(
      [{ name: "GET / (application/json)", kind: "response", status: 200, text: `200 OK\ncontent-type: application/json\n\n${body}` }, { name: "container log", kind: "log", text: log }],
      [{ label: "mounted db-password", value: password }],
      { label: "control", value: "l1-canary-0123456789abcdef" },
    );
    const v = judgeL1(scan);
    expect(v.verdict).toBe("fail");
    expect(scan.leaks.map((l) => [l.source, l.kind, l.length])).toEqual([["GET / (application/json)", "prefix", 4], ["container log", "prefix", 4]]);
    expect(declared("app-leak")).toEqual(["L1"]);
  });
});
