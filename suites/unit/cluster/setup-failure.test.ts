import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateSecrets } from "../../../harness/cluster/state/secrets.ts";
import { afterSetupFailure, failedSteps, lateSetupMessage, stepsToDiagnose } from "../../../harness/cluster/run/setup-failure.ts";
import { saveSecrets, stateDir } from "../../../harness/cluster/state/state.ts";
import { StepLog } from "../../../harness/core/log.ts";
import { EvidenceRecorder } from "../../../harness/evidence/recorder.ts";
import { loadProfile } from "../../../harness/profile.ts";
import { useFakeTools } from "../../support/fake-tools.ts";

describe("a bring-up that passed its deadline", () => {
  it("names the steps that had failed already, with the first line of each error", () => {
    const t = (name: string, ok: boolean, error?: string) => ({ name, startedAt: "", durationMs: 1, ok, ...(error ? { error } : {}) });
    expect(failedSteps([t("cilium", true), t("postgres-hba", false, "pg_hba has no line for host\nmore"), t("falco", false)])).toEqual([
      "postgres-hba (pg_hba has no line for host)",
      "falco (no error recorded)",
    ]);
  });

  it("collects diagnostics for the running steps that act on a component, not for local ones", () => {
    expect(stepsToDiagnose(["app-image", "falco", "kind-cluster", "vault"])).toEqual(["falco", "vault"]);
  });

  it("says what was running, what had failed and where the diagnostics are", () => {
    const late = "the e2e setup passed the ci profile's waits.bringUp of 15m with falco still running";
    expect(lateSetupMessage({ late, failed: ["postgres (boom)"], diagnostics: ["/run/diagnostics/falco/"] })).toBe(
      `${late}; steps that had failed already: postgres (boom); diagnostics of the running steps in /run/diagnostics/falco/`,
    );
    expect(lateSetupMessage({ late, failed: [], diagnostics: [] })).toBe(`${late}; no step had failed`);
  });
});


/** Stand-ins on PATH: kind lists one cluster and records its deletion; kubectl and helm answer every call with a canned line. */
const FAKES = (d: string): Record<string, string> => ({
  kind: `#!/bin/sh
case "$1 $2" in
  "get clusters") echo "late-test";;
  "export logs") echo "ERROR: node not running" >&2; exit 1;;
  "delete cluster") echo "$@" > "${d}/deleted";;
  *) echo "unexpected: $*" >&2; exit 2;;
esac
`,
  kubectl: `#!/bin/sh\necho "NAME READY STATUS RESTARTS"\necho "falco-x7k2p 0/1 CrashLoopBackOff 5"\n`,
  helm: `#!/bin/sh\necho "STATUS: deployed"\n`,
});

const tools = useFakeTools("secretproof-setup-failure-", FAKES);

describe("after a failed e2e setup", () => {
  const newRun = () => EvidenceRecorder.create(join(tools.dir(), "runs"), { tool: { name: "secretproof", version: "0", node: process.version }, profile: {}, versions: {} });

  it("at the deadline: diagnoses the running step, names the failed one, and with SECRETPROOF_TEARDOWN=1 deletes the cluster", async () => {
    await saveSecrets(stateDir("late-test"), generateSecrets());
    const rec = await newRun();
    const log = new StepLog({ write: () => undefined });
    void log.step("falco", () => new Promise(() => undefined));
    await log.step("postgres", async () => Promise.reject(new Error("postgres-0 not Ready"))).catch(() => undefined);
    const late = new Error("the e2e setup passed the ci profile's waits.bringUp of 15m with falco, postgres still running");
    const err = (await afterSetupFailure(late, { profile: loadProfile("ci"), rec, log, late: true, teardown: true, clusterName: "late-test", write: () => undefined })) as Error;
    expect(err.message).toBe(
      `${late.message}; steps that had failed already: postgres (postgres-0 not Ready); diagnostics of the running steps in ${rec.dir}/diagnostics/falco/`,
    );
    expect(err.cause).toBe(late);
    expect(await readFile(join(rec.dir, "diagnostics/falco/0-falco/pods.txt"), "utf8")).toContain("falco-x7k2p 0/1 CrashLoopBackOff 5");
    expect(await readFile(join(rec.dir, "diagnostics/falco/0-falco/helm-status.txt"), "utf8")).toContain("STATUS: deployed");
    expect(await readFile(join(tools.dir(), "deleted"), "utf8")).toBe("delete cluster --name late-test\n");
    expect(await stat(stateDir("late-test")).then(() => "present", () => "gone")).toBe("gone");
    expect(rec.record.steps.map((s) => s.name)).toEqual(["find-cluster", "export-logs", "delete-cluster", "remove-state"]);
  });

  it("otherwise keeps the error `up` threw (it has its diagnostics) and leaves the cluster for inspection", async () => {
    const rec = await newRun();
    const failed = new Error("up failed at step falco: DaemonSet falco/falco did not roll out");
    const r = await afterSetupFailure(failed, { profile: loadProfile("ci"), rec, log: new StepLog({ write: () => undefined }), late: false, teardown: false, clusterName: "late-test" });
    expect(r).toBe(failed);
    expect(await stat(join(tools.dir(), "deleted")).then(() => "deleted", () => "kept")).toBe("kept");
  });
});
