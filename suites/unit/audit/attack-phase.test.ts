import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../../harness/attack/attempt.ts";
import { loadAttackMatrix } from "../../../harness/attack/matrix-catalogue.ts";
import { AttemptFailed } from "../../../harness/attack/runner.ts";
import { agentsEvidence } from "../../../harness/audit/agents-audit.ts";
import { detectionRefusal, killingPolicies } from "../../../harness/audit/attack-audit.ts";
import { auditCatalogue } from "../../../harness/audit/attack-catalogue.ts";
import { runCatalogue, type CatalogueSession } from "../../../harness/audit/attack-phase.ts";
import { t2Finding } from "../../../harness/audit/attack-step.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { catalogueTools } from "../../../harness/attack/image-tools.ts";
import { judgeAppQuiet, judgeDetection, type DetectionEvidence } from "../../../harness/claims/detection/judge.ts";
import { parseFalcoStream } from "../../../harness/falco/alert.ts";
import { POD, T0, markerLine } from "../../support/falco-samples.ts";

const { catalogue } = loadAttackMatrix();
const kind = kindTarget("secretproof");
const fixture = <T>(name: string) => JSON.parse(readFileSync(join(import.meta.dirname, "../../../fixtures/audit/kubectl", name), "utf8")) as T;

/** A session that records which entries it was asked to run, failing some as told. */
function session(fail: Record<string, "attempt" | "barrier">): CatalogueSession & { ran: string[] } {
  const ran: string[] = [];
  const attempts: AttemptRecord[] = [];
  return {
    ran,
    attempts,
    attack: async (a) => {
      ran.push(a.id);
      if (fail[a.id] === "attempt") throw new AttemptFailed({ id: `detection/${a.id}`, error: "timed out" } as AttemptRecord, {});
      if (fail[a.id] === "barrier") throw new Error("barrier secretproof-marker-x: Falco delivered no marker within 10 s");
      return { record: { id: `detection/${a.id}` } as AttemptRecord };
    },
  };
}

describe("running the catalogue in an audit", () => {
  const noPerl = new Set(catalogueTools(catalogue.attacks).filter((t) => t !== "perl"));
  const cat = auditCatalogue(catalogue.attacks, kind, "db-password", noPerl);

  it("runs every entry in catalogue order but those not to run, and goes on after an attempt that did not complete", async () => {
    const s = session({ head: "attempt" });
    expect(await runCatalogue(s, cat)).toEqual({});
    expect(s.ran).toEqual(catalogue.attacks.map((a) => a.id).filter((id) => id !== "perl" && id !== "tamper-write"));
  });

  it("stops at a failure that is not the attempt's (a stream down), naming the entry, and runs nothing after it", async () => {
    const s = session({ tail: "barrier" });
    const r = await runCatalogue(s, cat);
    expect(r.stopped).toBe("the run stopped at tail: barrier secretproof-marker-x: Falco delivered no marker within 10 s");
    expect(s.ran).toEqual(["cat", "head", "tail"]);
  });
});

function evidence(quiet: DetectionEvidence["quiet"], notRun?: Record<string, string>): DetectionEvidence {
  const lines = [markerLine(T0 + 8650, "secretproof-marker-q")];
  return {
    catalogue: { environment: { ptraceScope: "1", conditions: [] }, attacks: catalogue.attacks.filter((a) => a.id === "perl"), ...(notRun ? { notRun } : {}) },
    priorities: {},
    pod: POD,
    attempts: [],
    alerts: parseFalcoStream(lines.join("\n")).alerts,
    drops: 0,
    probes: [],
    quiet,
    slackMs: 500,
  };
}

describe("the detection judges on an audit's evidence", () => {
  const window = { startMs: T0 + 5000, endMs: T0 + 8000, barrier: "secretproof-marker-q" };

  it("an entry the audit did not run is inconclusive, saying why", () => {
    const [perl] = judgeDetection(evidence(window, { perl: "the workload image has no perl" }));
    expect(perl).toMatchObject({ claim: "F1", verdict: "inconclusive", subject: "perl", reasons: ["perl was not attempted: the workload image has no perl"] });
  });

  it("a quiet window without probes is inconclusive when the app was not probed by design, and still a failure otherwise", () => {
    const unprobed = judgeAppQuiet(evidence({ ...window, unprobed: "the target names no workload.service to probe the app through" }));
    expect(unprobed.verdict).toBe("inconclusive");
    expect(unprobed.reasons).toContain("the app was not probed in the quiet window (the target names no workload.service to probe the app through), so its own reads are not shown");
    expect(judgeAppQuiet(evidence(window)).verdict).toBe("fail");
  });
});

describe("what --attack states about T1, T2 and T3", () => {
  it("T2 names the pod attacked, the workload's changes and the app's answers", () => {
    expect(t2Finding({ pod: "api-1", probes: { ok: 41, total: 41 } }, [])).toBe(
      "no TracingPolicy was applied for the attacks (--apply-policy applies one), so the app was not shown serving under enforcement; observed while attacking pod api-1: every workload pod kept its UID and restartCount; the app answered 200 to 41 of 41 requests",
    );
    expect(t2Finding({ pod: "api-1" }, ["pod api-2 restarted (restartCount 0 -> 1)"])).toMatch(/the workload changed: pod api-2 restarted \(restartCount 0 -> 1\); the app was not probed \(no target.workload.service\)$/);
  });

  it("a namespaced policy that selects the workload and kills under the mount is found, so the detection phase is not run under it", () => {
    const pods = fixture<{ items: object[] }>("workload-pods.json");
    const policies = fixture<{ items: object[] }>("tracingpoliciesnamespaced.json").items.map((p) => ({ ...p, kind: "TracingPolicyNamespaced" }));
    const found = agentsEvidence("2026-03-02T10:00:00Z", kind, { workload: pods, policies });
    expect(killingPolicies(found)).toEqual(["TracingPolicyNamespaced test-dynamic/secretproof-block-secret-readers"]);
    expect(killingPolicies(agentsEvidence("2026-03-02T10:00:00Z", kind, { workload: pods, policies: [] }))).toEqual([]);
    expect(killingPolicies(undefined)).toEqual([]);
    expect(detectionRefusal(kind, found)).toMatch(/^TracingPolicyNamespaced test-dynamic\/secretproof-block-secret-readers already kills readers under \/mnt\/secrets/);
  });

  it("with Tetragon present, policies that could not be read refuse the detection phase; without Tetragon nothing does", () => {
    const pods = fixture<{ items: object[] }>("workload-pods.json");
    const unread = agentsEvidence("2026-03-02T10:00:00Z", kind, { workload: pods, policies: { unreadable: "listing TracingPolicies (cilium.io/v1alpha1): Forbidden" } });
    expect(detectionRefusal(kind, unread)).toBe("the TracingPolicies could not be read (listing TracingPolicies (cilium.io/v1alpha1): Forbidden), so whether one kills readers under the mount is unknown");
    expect(detectionRefusal(kind, undefined)).toMatch(/were not read/);
    expect(detectionRefusal(kind, agentsEvidence("2026-03-02T10:00:00Z", kind, { workload: pods, policies: [] }))).toBeUndefined();
    expect(detectionRefusal({ ...kind, tetragon: { absent: true } }, undefined)).toBeUndefined();
  });
});
