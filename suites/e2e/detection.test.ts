/**
 * F1/F2 — Falco detection, no enforcement (phase 1 of the attack matrix).
 * Every catalogue entry runs for real in the app container, all of them first
 * (each followed by its marker exec), then one wait for the markers; each test
 * judges its entry's recorded attempt against the alerts the catalogue declares. This file must run
 * before enforcement.test.ts (the e2e project runs files one at a time, in the
 * claim-table order of harness/report/families.ts), which checks that it did.
 * Its session opens only once N1's collection, which the global setup runs
 * beside A1 and A2, has ended: N1's python3 in the app pod raises a Falco
 * alert that would otherwise land in this file's windows.
 */
import { describe, expect } from "vitest";
import { NS } from "../../clusters/names.ts";
import { toMs } from "../../clusters/duration.ts";
import { probeApp } from "../../harness/attack/app-probe.ts";
import type { Attack } from "../../harness/attack/catalogue.ts";
import { loginWithStolen, type LoginProof } from "../../harness/attack/login.ts";
import { loadAttackMatrix, shownCommand } from "../../harness/attack/matrix-catalogue.ts";
import { mitreTag } from "../../harness/attack/mitre.ts";
import { AttemptBatch } from "../../harness/attack/batch.ts";
import type { AttemptResult } from "../../harness/attack/runner.ts";
import { settleDrops } from "../../harness/attack/drop-check.ts";
import { AttackSession } from "../../harness/attack/session.ts";
import { sessionEvidence, writeDetectionEvidence } from "../../harness/claims/detection/evidence.ts";
import { detectionFamily } from "../../harness/claims/detection/family.ts";
import { detectionSlackMs, judgeAppQuiet, judgeDetection, judgeDetectionAttempt, judgeLogin, type QuietWindow } from "../../harness/claims/detection/judge.ts";
import { DETECTION_WAITS_FOR } from "../../harness/claims/network/collection.ts";
import { awaitNetworkEnd } from "../../harness/vitest/network.ts";
import { waitFor } from "../../harness/core/wait.ts";
import { policiesPresent } from "../../harness/tetragon/policy.ts";
import type { E2E } from "../../harness/vitest/e2e.ts";
import { e2eTest } from "../../harness/vitest/fixtures.ts";
import { runStopped, throwIfStopped, type Stopped } from "../../harness/vitest/run-stop.ts";

const { priorities, catalogue } = loadAttackMatrix();

/** What the tests found along the way that the recorded evidence carries. */
interface Found {
  login?: LoginProof;
  quiet?: QuietWindow;
}

function title(a: Attack): string {
  const claim = a.claims.includes("F1") ? "F1" : "F2";
  const fires = a.falco.fires.map((f) => /^SecretProof - (.*)$/.exec(f.rule)?.[1] ?? f.rule).join(" + ");
  const raises = fires ? `raises ${fires}` : `raises none of ours${a.blindSpot ? ` (declared blind spot: ${a.blindSpot.control})` : ""}`;
  return `${claim} ${a.id} ${mitreTag(a.mitre)}: \`${shownCommand(a)}\`${a.tty ? " on a TTY" : ""} ${raises} and exits ${a.detection.exitCode}`;
}

/** Closes the session, then records the evidence and the verdicts even when closing a stream failed: phase 2 checks for them. */
async function closeAndRecord(e2e: E2E, s: AttackSession, found: Found): Promise<void> {
  try {
    await s.close();
  } finally {
    const ev = await writeDetectionEvidence(e2e.evidence, s, {
      catalogue: { environment: s.env, attacks: catalogue.attacks.map((a) => s.resolve(a)) },
      priorities,
      quiet: found.quiet,
      login: found.login,
    });
    await e2e.evidence.verdicts(detectionFamily.id, judgeDetection(ev));
  }
}

const test = e2eTest
  .extend("found", { scope: "file" }, (): Found => ({}))
  .extend("stopped", { scope: "file" }, (): Stopped => runStopped())
  .extend("s", { scope: "file" }, async ({ e2e, teardown, found, stopped }) => {
    await awaitNetworkEnd(e2e, DETECTION_WAITS_FOR);
    throwIfStopped(stopped, "the detection attack session");
    const present = await policiesPresent(e2e.kube, NS.app);
    if (present.length) throw new Error(`phase 1 runs without enforcement, but TracingPolicyNamespaced ${present.join(", ")} is in ${NS.app}`);
    const s = await AttackSession.open({ kube: e2e.kube, profile: e2e.profile }, "detection");
    return teardown.adopt(s, () => closeAndRecord(e2e, s, found));
  })
  // Every entry runs first, each followed by its marker exec; then one wait for every marker (harness/attack/batch.ts).
  // A cancelled run does not reach a running hook: the batch asks `stopped` before each step (harness/vitest/run-stop.ts).
  .extend("batch", { scope: "file" }, async ({ e2e, s, found, stopped }) => AttemptBatch.run(s, catalogue.attacks, (a) => attemptWithLogin(e2e, s, found, a), stopped));

/**
 * One entry's attempt. After the first credential read, the stolen password
 * is tried against Postgres; the login's python3 raises Exfiltration Tool
 * Spawned, so a marker exec follows it: the next attempt's window starts
 * after that marker.
 */
async function attemptWithLogin(e2e: E2E, s: AttackSession, found: Found, a: Attack): Promise<AttemptResult> {
  const cmd = toMs(e2e.profile.waits.command);
  const before = a.target && !found.login ? await probeApp(s.forward.url, cmd, s.forward.signal) : undefined;
  const r = await s.attempt(a);
  if (r.credential && before) {
    const after = await probeApp(s.forward.url, cmd, s.forward.signal);
    const users = [before.dbUser, after.dbUser].filter((u): u is string => Boolean(u));
    found.login = await loginWithStolen(e2e.kube, s.pod, a.id, r.credential, users, cmd);
    await s.mark();
  }
  return r;
}

/**
 * The entry's recorded attempt against the alerts the catalogue declares,
 * judged once. batch.result returns only when Falco delivered the entry's
 * markers, the one before it and the batch's closing marker: Falco outputs
 * alerts in event order through one queue (harness/attack/barrier.ts), so
 * every alert of the attempt's window, and every drop alert up to the last
 * attempt, was read before those markers and the verdict cannot change by
 * waiting. The attack is never re-run.
 */
function judged(s: AttackSession, batch: AttemptBatch, a: Attack) {
  const r = batch.result(a.id);
  return judgeDetectionAttempt(s.resolve(a), r.record, { alerts: s.falco.alerts(), drops: s.falcoDrops(), priorities, slackMs: detectionSlackMs(s.barriers) });
}

describe("F1/F2: Falco sees every in-pod read of the credential, and the article's other attacks", () => {
  // The file's fixtures are set up in a hook: a cancelled run lets a hook finish (each fixture and the batch's steps check the stop first), then skips the tests and cleans up in order.
  test.beforeAll(({ s, found }) => {
    void [s, found];
  });
  // A hook of its own, with its own timeout: the attempts, then one wait for their markers.
  test.beforeAll(({ batch }) => {
    void batch;
  });

  for (const a of catalogue.attacks) {
    test(title(a), ({ s, batch }) => {
      const v = judged(s, batch, a);
      expect(v.verdict, v.reasons.join("\n")).toBe("pass");
    });
  }

  test("F1 threat is real: the first stolen password logs in to Postgres, and a wrong one is refused", ({ batch, found }) => {
    void batch; // a failed session reports its own error here, not a missing login
    const v = judgeLogin(found.login);
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });

  test("F1 negative control: the app's own reads of the same files raise no READ alert", async ({ e2e, s, found }) => {
    const previousBarrier = s.barriers.at(-1)?.nonce;
    const startMs = Date.now();
    await waitFor(
      "the app to serve requests in the quiet window",
      () => {
        s.forward.assertAlive(); // a stopped port-forward fails here by name, not as a quiet window with no requests
        const served = s.traffic.probes().filter((p) => p.ms >= startMs && p.status === 200).length;
        return served >= 3 ? { done: true, value: served } : { done: false, state: s.traffic.probes().slice(-3) };
      },
      { timeoutMs: toMs(e2e.profile.waits.appReady), intervalMs: toMs(e2e.profile.waits.eventPoll) },
    );
    const endMs = Date.now();
    const b = await s.barrier();
    // A drop in the window's last second is reported only at Falco's next check: the closing marker proves it came.
    await settleDrops(s, b);
    found.quiet = { startMs, endMs, barrier: b.nonce, previousBarrier };
    const v = judgeAppQuiet(sessionEvidence(s, { catalogue: { environment: s.env, attacks: [] }, priorities, quiet: found.quiet }));
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});
