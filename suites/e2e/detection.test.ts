/**
 * F1/F2 — Falco detection, no enforcement (phase 1 of the attack matrix).
 * Every catalogue entry runs for real in the app container; each test judges
 * its attempt against the alerts the catalogue declares. This file must run
 * before enforcement.test.ts (the e2e project runs files one at a time, in the
 * claim-table order of harness/report/families.ts), which checks that it did.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { probeApp } from "../../harness/attack/app-probe.ts";
import { NS } from "../../clusters/names.ts";
import { loadCatalogue, type Attack } from "../../harness/attack/catalogue.ts";
import { loginWithStolen, type LoginProof } from "../../harness/attack/login.ts";
import { AttackSession } from "../../harness/attack/session.ts";
import { detectionFamily } from "../../harness/claims/detection/family.ts";
import { detectionSlackMs, judgeAppQuiet, judgeDetection, judgeDetectionAttempt, judgeLogin, type QuietWindow } from "../../harness/claims/detection/judge.ts";
import { toMs } from "../../clusters/duration.ts";
import { describeCommand } from "../../harness/core/command-line.ts";
import { waitFor } from "../../harness/core/wait.ts";
import { sessionEvidence, writeDetectionEvidence } from "../../harness/claims/detection/evidence.ts";
import { jsonPriority, loadRulesFile } from "../../harness/falco/rules-file.ts";
import { policiesPresent } from "../../harness/tetragon/policy.ts";
import { useE2E, type E2E } from "../../harness/vitest/e2e.ts";

const rules = loadRulesFile();
const priorities = Object.fromEntries(rules.rules.map((r) => [r.rule, jsonPriority(r.priority)]));
const catalogue = loadCatalogue(new Set(Object.keys(priorities)));
const shown = (a: Attack) => describeCommand(a.command[0] as string, a.command.slice(1));

function title(a: Attack): string {
  const claim = a.claims.includes("F1") ? "F1" : "F2";
  const fires = a.falco.fires.map((f) => /^SecretProof - (.*)$/.exec(f.rule)?.[1] ?? f.rule).join(" + ");
  return `${claim} ${a.id}: \`${shown(a)}\`${a.tty ? " on a TTY" : ""} raises ${fires} and exits ${a.detection.exitCode}`;
}

describe("F1/F2: Falco sees every in-pod read of the credential, and the article's other attacks", () => {
  let e2e: E2E;
  let s: AttackSession;
  let login: LoginProof | undefined;
  let quiet: QuietWindow | undefined;

  beforeAll(async () => {
    e2e = await useE2E();
    const present = await policiesPresent(e2e.kube, NS.app);
    if (present.length) throw new Error(`phase 1 runs without enforcement, but TracingPolicyNamespaced ${present.join(", ")} is in ${NS.app}`);
    s = await AttackSession.open({ kube: e2e.kube, profile: e2e.profile }, "detection");
  });

  afterAll(async () => {
    if (!s) return;
    try {
      await s.close();
    } finally {
      // The evidence is recorded even when closing a stream fails: phase 2 checks for it.
      const ev = await writeDetectionEvidence(e2e.evidence, s, {
        catalogue: { environment: s.env, attacks: catalogue.attacks.map((a) => s.resolve(a)) },
        priorities,
        quiet,
        login,
      });
      await e2e.evidence.verdicts(detectionFamily.id, judgeDetection(ev));
    }
  });

  async function judged(a: Attack) {
    const before = a.target && !login ? await probeApp(s.forward.url, toMs(e2e.profile.waits.command), s.forward.signal) : undefined;
    const r = await s.attack(a);
    if (r.credential && before) {
      const after = await probeApp(s.forward.url, toMs(e2e.profile.waits.command), s.forward.signal);
      const users = [before.dbUser, after.dbUser].filter((u): u is string => Boolean(u));
      login = await loginWithStolen(e2e.kube, s.pod, a.id, r.credential, users, toMs(e2e.profile.waits.command));
      // The login's python3 raises Exfiltration Tool Spawned: the next attempt's window starts after this marker.
      await s.barrier();
    }
    const judge = () =>
      judgeDetectionAttempt(s.resolve(a), r.record, { alerts: s.falco.alerts(), drops: s.falcoDrops(), priorities, slackMs: detectionSlackMs(s.barriers) });
    // The barrier already settled Falco's stream; this only absorbs output lag. The attack is never re-run.
    try {
      return await waitFor(
        `Falco alerts of ${r.record.id} to match the catalogue`,
        () => {
          const v = judge();
          return v.verdict === "pass" ? { done: true, value: v } : { done: false, state: v.reasons };
        },
        { timeoutMs: toMs(e2e.profile.waits.alertWait), intervalMs: toMs(e2e.profile.waits.eventPoll) },
      );
    } catch {
      return judge();
    }
  }

  for (const a of catalogue.attacks) {
    it(title(a), async () => {
      const v = await judged(a);
      expect(v.verdict, v.reasons.join("\n")).toBe("pass");
    });
  }

  it("F1 threat is real: the first stolen password logs in to Postgres, and a wrong one is refused", () => {
    const v = judgeLogin(login);
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });

  it("F1 negative control: the app's own reads of the same files raise no READ alert", async () => {
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
    quiet = { startMs, endMs, barrier: b.nonce, previousBarrier };
    const v = judgeAppQuiet(sessionEvidence(s, { catalogue: { environment: s.env, attacks: [] }, priorities, quiet }));
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});
