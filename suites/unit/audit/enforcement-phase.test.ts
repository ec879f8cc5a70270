import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { loadAttackMatrix } from "../../../harness/attack/matrix-catalogue.ts";
import { catalogueTools } from "../../../harness/attack/image-tools.ts";
import { auditCatalogue } from "../../../harness/audit/attack-catalogue.ts";
import type { AttackPrep } from "../../../harness/audit/attack-step.ts";
import { AfterRemoval, type ProvenRemoval } from "../../../harness/audit/after-removal.ts";
import { enforcedAttacks, pinnedWhere } from "../../../harness/audit/enforcement-phase.ts";
import type { EnforcedAttackContext } from "../../../harness/audit/policy-step.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import type { AuditTarget } from "../../../harness/audit/target.ts";
import type { Verdict } from "../../../harness/claims/verdict.ts";
import { TOOL_NAME, TOOL_VERSION } from "../../../harness/core/tool.ts";
import { EvidenceRecorder } from "../../../harness/evidence/recorder.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { runExpectations } from "../../../harness/report/own-expectations.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { AUDIT_POLICY_SENT } from "../../../harness/report/verify-expectations.ts";
import { recordedVerdicts } from "../../../harness/audit/enforcement-error.ts";
import { POLICY_LAYOUT } from "../../../harness/audit/policy-record.ts";
import { deriveReports } from "../../../harness/report/write-report.ts";
import type { TetragonCollectorOptions } from "../../../harness/tetragon/collector.ts";
import { replaySession, type Scripted } from "../../support/enforcement-session.ts";
import { POD, T0, alertLine } from "../../support/falco-samples.ts";
import { POD_STATE, POLICY, exitLine, kprobeLine, type ProcSpec } from "../../support/tetragon-samples.ts";

const MOUNT = "/var/run/app-secrets";
const base = kindTarget("secretproof");
const target: AuditTarget = { ...base, secrets: { ...base.secrets, mountPath: MOUNT } };
const { catalogue, priorities } = loadAttackMatrix();
const tools = new Set(catalogueTools(catalogue.attacks).filter((t) => t !== "perl"));
const full = auditCatalogue(catalogue.attacks, target, "db-password", tools);
/** The whole catalogue on the target's paths, as recorded; the entries this recording has no attempt of are marked not run. */
const cat = { attacks: full.attacks, notRun: { ...Object.fromEntries(full.attacks.filter((a) => !["cat", "proc-mem"].includes(a.id)).map((a) => [a.id, "not in this recording"])), ...full.notRun } };
const prep: AttackPrep = { pod: POD.name, cat, paths: { mountPath: MOUNT, passwordFile: "db-password" }, priorities, notes: [] };
const READER: ProcSpec = { execId: "Y2F0LXRhcmdldA==", pid: 48311, binary: "/usr/bin/cat", args: `${MOUNT}/db-password`, startMs: T0 + 1080 };

/** cat killed by the policy on the target's mount (kprobe + SIGKILL exit, Falco's READ alert); proc-mem refused by the kernel, never killed. */
function script(o: { catSurvives?: boolean; restoredKilled?: boolean } = {}): Record<string, Scripted> {
  const reread: ProcSpec = { ...READER, execId: "Y2F0LXJlc3RvcmVk", pid: 48412, startMs: T0 + 5080 };
  return {
    // T1's negative control once the policy is gone: cat reads the password again, with no kill (or, told so, is still killed).
    "restored:cat": {
      startMs: T0 + 5000, exitCode: o.restoredKilled ? 137 : 0, stdoutBytes: o.restoredKilled ? 0 : 20,
      tetragon: o.restoredKilled ? [kprobeLine(T0 + 5090, reread, { path: `${MOUNT}/db-password` }), exitLine(T0 + 5095, reread, "SIGKILL")] : [],
      falco: [alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 5090, cmdline: `cat ${MOUNT}/db-password`, file: `${MOUNT}/db-password` })],
    },
    "proc-mem": {
      startMs: T0, exitCode: 1, stdoutBytes: 0, tetragon: [],
      falco: [alertLine({ rule: "SecretProof - Process Memory Open Refused", ms: T0 + 100, cmdline: "cat /proc/1/mem", file: "/proc/1/mem", tag: "MEM-ATTEMPT" })],
    },
    cat: {
      startMs: T0 + 1000, exitCode: o.catSurvives ? 0 : 137, stdoutBytes: o.catSurvives ? 20 : 0,
      tetragon: o.catSurvives ? [] : [kprobeLine(T0 + 1090, READER, { path: `${MOUNT}/..2026_11_26_10_22_55.123456789/db-password` }), exitLine(T0 + 1095, READER, "SIGKILL")],
      falco: [alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 1090, cmdline: `cat ${MOUNT}/db-password`, file: `${MOUNT}/db-password` })],
    },
  };
}

const podJson = (restartCount = 0) => ({
  metadata: { name: POD.name, uid: POD.uid, labels: POD_STATE.labels },
  spec: { nodeName: "node-a", containers: [{ name: POD.container, image: POD.image }] },
  status: { phase: "Running", containerStatuses: [{ name: POD.container, containerID: `containerd://${POD.containerId}`, restartCount, ready: true }] },
});
const agentPod = { metadata: { name: "tetragon-7xk2p" }, spec: { nodeName: "node-a" }, status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }], containerStatuses: [{ name: "export-stdout", ready: true }] } };

/** kubectl get, answered from the recorded objects; the pod's restartCount after the attacks as told. */
function kube(restartAfter: () => number) {
  const calls: string[][] = [];
  return {
    calls,
    context: "kind-secretproof",
    json: async <T>(args: string[]): Promise<T> => {
      calls.push(args);
      if (args.includes("deployment")) return { spec: { selector: { matchLabels: { app: "secure-test-app" } } } } as T;
      if (args[3] === "pod") return podJson(restartAfter()) as T;
      if (args[0] === "-n" && args[1] === target.workload.namespace) return { items: [podJson(restartAfter())] } as T;
      return { items: [agentPod] } as T;
    },
  };
}

const identities = (users: string[]) => users;

let root: string;
beforeEach(async () => void (root = await mkdtemp(join(tmpdir(), "secretproof-enforce-"))));
afterEach(async () => rm(root, { recursive: true, force: true }));

interface RunOpts {
  probes?: ReturnType<typeof identities>;
  catSurvives?: boolean;
  restarted?: boolean;
  markerLost?: string;
  interrupted?: boolean;
  /** What the lifecycle proved of the removal: proven (the default: the continuation runs), or not (only the finish). */
  removal?: "proven" | "unproven";
  restoredKilled?: boolean;
}

/** The removal as the lifecycle hands it over: the delete answered, then a canary read that succeeded once the agent unlisted the policy. */
const PROVEN: ProvenRemoval = { removedAtMs: 0, proof: { unlistedAtMs: T0 + 3000, canaries: [{ startMs: T0 + 3900, endMs: T0 + 4000, exitCode: 0, stdoutBytes: 20 }], provenAtMs: T0 + 4000 } };

/** Plays the lifecycle's part (policy-lifecycle.ts withAppliedPolicy): the continuation only on a proven removal, then always the finish. */
async function lifecycle(staged: Verdict[] | AfterRemoval<Verdict[]>, o: RunOpts): Promise<Verdict[]> {
  if (!(staged instanceof AfterRemoval)) return staged;
  if (o.removal !== "unproven") await staged.afterRemoval({ ...PROVEN, removedAtMs: Date.now() }, new AbortController().signal);
  return staged.finish();
}

async function run(o: RunOpts = {}) {
  const r = replaySession({ ...POD_STATE, nodeName: "node-a" }, script(o), o.probes, o);
  let after = false;
  const k = kube(() => (o.restarted && after ? 1 : 0));
  const opened: { where: unknown; phase: string }[] = [];
  const tetragonOpts: TetragonCollectorOptions[] = [];
  const rec = await EvidenceRecorder.create(root, {
    tool: { name: TOOL_NAME, version: TOOL_VERSION, node: process.version }, profile: PROFILES.ci, versions, expectations: runExpectations(PROFILES.ci), environment: { mode: "audit", kubeContext: "kind-secretproof" },
  });
  const attacks = enforcedAttacks({
    io: { kube: k, openSession: async (where, phase) => (opened.push({ where, phase }), r.session), openTetragon: (opts) => (tetragonOpts.push(opts), (after = true), r.tetragon) },
    // A lost marker is retried until waits.streamLive: short here.
    // A read after removal that is still killed is judged until waits.killWait: short here.
    target, profile: o.markerLost ? { ...PROFILES.ci, waits: { ...PROFILES.ci.waits, streamLive: "300ms", poll: "100ms" } } : o.restoredKilled ? { ...PROFILES.ci, waits: { ...PROFILES.ci.waits, killWait: "300ms", eventPoll: "100ms" } } : PROFILES.ci, prep, rec,
  });
  const ctx = {
    policy: { metadata: { name: POLICY, namespace: POD.namespace } }, proof: { canaries: [], status: { name: POLICY }, provenAtMs: T0 - 1000 },
    signal: o.interrupted ? AbortSignal.abort(new Error("interrupted by SIGINT")) : new AbortController().signal, pod: { namespace: POD.namespace, name: POD.name, container: POD.container }, node: "node-a",
  } as unknown as EnforcedAttackContext;
  // What the lifecycle writes before the attacks: the object as sent.
  await rec.write(POLICY_LAYOUT.applied, stringify(ctx.policy));
  const outcome: { verdicts: Verdict[]; error?: Error } = await attacks(ctx).then((staged) => lifecycle(staged, o)).then((verdicts) => ({ verdicts }), (error: Error) => ({ verdicts: [], error }));
  await rec.finalize("passed", { derive: deriveReports });
  return { ...outcome, r, opened, tetragonOpts, dir: rec.dir, calls: k.calls };
}

const byId = (vs: Verdict[], claim: string, subject: string) => vs.find((v) => v.claim === claim && v.subject === subject);

describe("the audit's enforcement phase under --apply-policy", () => {
  it("attacks the pod the policy was proven on, in phase enforcement, and reads Tetragon from the agent pod on its node", async () => {
    const { opened, tetragonOpts, r } = await run({ probes: identities(["v-a", "v-b"]) });
    expect(opened).toMatchObject([{ phase: "enforcement", where: { app: { pod: POD.name, mountPath: MOUNT } } }]);
    expect(tetragonOpts).toEqual([{ kubeContext: "kind-secretproof", watchNamespace: POD.namespace, agentNamespace: "kube-system", agent: "pod/tetragon-7xk2p", container: "export-stdout" }]);
    expect(r.ran).toEqual(["proc-mem", "cat", "restored:cat"]);
    expect(r.closed.sort()).toEqual(["session", "tetragon"]);
  });

  it("once the removal is proven, cat reads the password again on the same pod in phase restored: T1's restored-after-removal passes, recorded once with the removal's proof", async () => {
    const { verdicts, dir, r } = await run({ probes: identities(["v-a", "v-b"]) });
    const v = byId(verdicts, "T1", "restored-after-removal");
    expect(v?.verdict, v?.reasons.join("\n")).toBe("pass");
    expect(v?.reasons[0]).toBe(`\`cat ${MOUNT}/db-password\` succeeded again after the policy was removed (exit 0, credential read, no kill)`);
    expect(r.closed.sort()).toEqual(["session", "tetragon"]);
    expect(JSON.parse(await readFile(join(dir, "enforcement", "policy-removed.json"), "utf8"))).toEqual(PROVEN.proof);
    const attempts = (await readFile(join(dir, "enforcement", "attempts.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as { phase: string; attack: string });
    expect(attempts.map((a) => [a.phase, a.attack])).toEqual([["enforcement", "proc-mem"], ["enforcement", "cat"], ["restored", "cat"]]);
    expect(JSON.parse(await readFile(join(dir, "verdicts", "enforcement.json"), "utf8"))).toEqual(verdicts);
  });

  it("a read after removal that is still killed fails restored-after-removal", async () => {
    expect(byId((await run({ probes: identities(["v-a", "v-b"]), restoredKilled: true })).verdicts, "T1", "restored-after-removal")?.verdict).toBe("fail");
  });

  it("without a proven removal nothing is read again: restored-after-removal is inconclusive, and the stream and session still close", async () => {
    const { verdicts, r } = await run({ probes: identities(["v-a", "v-b"]), removal: "unproven" });
    expect(r.ran).toEqual(["proc-mem", "cat"]);
    expect(byId(verdicts, "T1", "restored-after-removal")).toMatchObject({ verdict: "inconclusive", reasons: ["no read was attempted after the policy was removed"] });
    expect(byId(verdicts, "T1", "cat")?.verdict).toBe("pass");
    expect(r.closed.sort()).toEqual(["session", "tetragon"]);
  });

  it("a reader killed on the target's mount passes T1 and T3; the spared entry passes T1 after the re-check; the entry whose tool is missing is inconclusive, saying why", async () => {
    const { verdicts } = await run({ probes: identities(["v-a", "v-b"]) });
    expect(byId(verdicts, "T1", "cat")?.verdict).toBe("pass");
    expect(byId(verdicts, "T1", "cat")?.reasons.join("\n")).toContain(`opening ${MOUNT}/..2026_11_26_10_22_55.123456789/db-password`);
    expect(byId(verdicts, "T3", "cat")?.verdict).toBe("pass");
    expect(byId(verdicts, "T1", "proc-mem")).toMatchObject({ verdict: "pass", reasons: ["outcome: exit 1, 0 bytes of stdout, as declared", "spared, as declared: no SIGKILL event up to the re-check 35000 ms after the attempt"] });
    expect(byId(verdicts, "T1", "perl")).toMatchObject({ verdict: "inconclusive", reasons: ["perl was not attempted under enforcement: the workload image has no perl"] });
    expect(byId(verdicts, "T3", "perl")?.verdict).toBe("inconclusive");
  });

  it("a reader the policy did not kill fails T1", async () => {
    const { verdicts } = await run({ probes: identities(["v-a", "v-b"]), catSurvives: true });
    expect(byId(verdicts, "T1", "cat")?.verdict).toBe("fail");
  });

  it("T2 with a Service passes on answers from PID 1 with two identities and every pod unchanged; a restart fails it", async () => {
    const ok = byId((await run({ probes: identities(["v-a", "v-b"]) })).verdicts, "T2", "app-unharmed");
    expect(ok?.verdict).toBe("pass");
    expect(ok?.reasons.join("\n")).toContain(`every workload pod (${POD.name}) kept its uid and restartCount`);
    expect(byId((await run({ probes: identities(["v-a", "v-b"]), restarted: true })).verdicts, "T2", "app-unharmed")?.verdict).toBe("fail");
  });

  it("T2 without a Service is inconclusive, stating what the pods showed; a restart still fails it", async () => {
    const { verdicts } = await run();
    expect(byId(verdicts, "T2", "app-unharmed")).toMatchObject({ verdict: "inconclusive" });
    expect(byId(verdicts, "T2", "app-unharmed")?.reasons[0]).toMatch(/^the app's answers were not observed: the target names no workload.service to probe the app through; what was shown: restartCount 0 unchanged; every workload pod/);
    expect(byId(verdicts, "T1", "app-own-reads-succeed")?.verdict).toBe("inconclusive");
    expect(byId((await run({ restarted: true })).verdicts, "T2", "app-unharmed")?.verdict).toBe("fail");
  });

  it("verify re-judges the bundle it wrote to the same verdicts, on the recorded mount", async () => {
    const { verdicts, dir } = await run({ probes: identities(["v-a", "v-b"]) });
    const v = await verifyBundle(dir);
    expect(v.integrity).toEqual([]);
    expect(v.mismatches).toEqual([]);
    expect(v.rejudged).toContain("enforcement");
    expect(byId(v.verdicts, "T1", "restored-after-removal")?.verdict).toBe("pass");
    expect(v.verdicts.filter((x) => ["T1", "T2", "T3"].includes(x.claim)).map((x) => [x.claim, x.subject, x.verdict])).toEqual(verdicts.map((x) => [x.claim, x.subject, x.verdict]));
  });

  it("verify compares the attacks' policy with the one the audit sent, where the lifecycle writes it", async () => {
    expect(AUDIT_POLICY_SENT).toBe(POLICY_LAYOUT.applied);
  });

  it("a Tetragon stream that delivers no marker ends the phase before any attempt: stream and session closed, the evidence recorded, the failure thrown", async () => {
    const { error, r, dir } = await run({ probes: identities(["v-a"]), markerLost: "Tetragon delivered no marker secretproof-marker-1 within 60 s" });
    expect(error?.message).toMatch(/^the enforcement phase failed; its evidence and verdicts so far were recorded: .*the Tetragon event stream to deliver a marker exec/);
    expect(String((error?.cause as Error).cause ?? (error?.cause as Error).message)).toContain("Tetragon delivered no marker secretproof-marker-1 within 60 s");
    expect(r.ran).toEqual([]);
    expect(r.closed.sort()).toEqual(["session", "tetragon"]);
    const recorded = JSON.parse(await readFile(join(dir, "verdicts", "enforcement.json"), "utf8")) as Verdict[];
    expect(byId(recorded, "T1", "cat")).toMatchObject({ verdict: "inconclusive", reasons: ["cat was not attempted under enforcement"] });
    // The error carries the verdicts as recorded, so run.json keeps them (policy-step.ts).
    expect(recordedVerdicts(error)).toEqual(recorded);
  });

  it("an interrupt runs no attempt and ends the phase without observing the app further", async () => {
    const { error, r, calls } = await run({ probes: identities(["v-a", "v-b"]), interrupted: true });
    expect(error?.message).toMatch(/interrupted by SIGINT$/);
    expect(r.ran).toEqual([]);
    expect(r.closed.sort()).toEqual(["session", "tetragon"]);
    expect(calls.filter((c) => c[3] === "pod")).toEqual([]);
  });

  it("refuses a target without Tetragon before anything runs", () => {
    expect(() => pinnedWhere({ ...target, tetragon: { absent: true } } as AuditTarget, POD.name)).toThrow(/target.tetragon is absent/);
  });
});

