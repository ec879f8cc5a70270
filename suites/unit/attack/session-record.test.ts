import { describe, expect, it } from "vitest";
import type { MarkerStream } from "../../../harness/attack/barrier.ts";
import type { Attack } from "../../../harness/attack/catalogue.ts";
import { AttemptFailed } from "../../../harness/attack/runner.ts";
import { AttackSession } from "../../../harness/attack/session.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { POD } from "../../support/falco-samples.ts";

const MEM: Attack = {
  id: "proc-mem", source: "test", command: ["cat", "/proc/1/mem"], claims: ["F2"],
  falco: { fires: [], silent: [] }, detection: { exitCode: 1, stdout: "empty" }, enforcement: { exitCode: 1, stdout: "empty", tetragon: "spare" },
};

/** A session over a fake kubectl: the attack's exec answers `attack`, the marker exec succeeds. */
function session(attack: () => Promise<ExecResult>, stream: MarkerStream): AttackSession {
  const never = () => Promise.reject(new Error("not used"));
  const ok = (command: string): ExecResult => ({ command, exitCode: 0, stdout: "", stderr: "", startedAt: "", durationMs: 1 });
  const kube: Kubectl = { context: "kind-test", run: never, json: never, apply: never, rolloutStatus: never, exec: async (_n, _p, cmd) => (cmd[0] === "true" ? ok("kubectl exec true") : attack()) };
  // The session's live parts (port-forward, traffic, Falco) are not needed to run an attack.
  return Object.assign(Object.create(AttackSession.prototype) as AttackSession, {
    deps: { kube, profile: PROFILES.ci }, phase: "enforcement", pod: POD, attempts: [], barriers: [], streams: [stream],
  });
}

const silent: MarkerStream = { name: "falco", waitForMarker: () => Promise.reject(new Error("timed out waiting for the marker")) };
const exited1 = async (): Promise<ExecResult> => ({ command: "kubectl exec cat", exitCode: 1, stdout: "", stderr: "cat: /proc/1/mem: Input/output error\ncommand terminated with exit code 1\n", startedAt: "", durationMs: 1 });

describe("an attack that ran never vanishes from the evidence", () => {
  it("is recorded before its barrier, so a barrier that times out leaves the attempt in place, naming a marker no stream delivered", async () => {
    const s = session(exited1, silent);
    await expect(s.attack(MEM)).rejects.toThrow(/timed out waiting for the marker/);
    expect(s.attempts).toHaveLength(1);
    expect(s.attempts[0]).toMatchObject({ id: "enforcement/proc-mem", exitCode: 1, stderr: "cat: /proc/1/mem: Input/output error\n" });
    const b = s.barriers.find((x) => x.nonce === s.attempts[0]?.barrier);
    expect(b?.seen, "the judges read an undelivered marker as no barrier").toEqual({});
  });

  it("is recorded, with exit code -1 and the reason, when kubectl failed itself", async () => {
    const s = session(async () => ({ command: "kubectl exec cat", exitCode: 1, stdout: "", stderr: "error: unable to upgrade connection\n", startedAt: "", durationMs: 1 }), silent);
    await expect(s.attack(MEM)).rejects.toBeInstanceOf(AttemptFailed);
    expect(s.attempts.map((a) => [a.exitCode, a.error?.includes("failed in kubectl itself")])).toEqual([[-1, true]]);
  });

  it("names the barrier run before it, so its window starts after that marker; the first attempt of a session without one names none", async () => {
    const s = session(exited1, { name: "falco", waitForMarker: async () => ({ timeMs: Date.now() }) });
    const first = await s.attack(MEM);
    expect(first.record.previousBarrier).toBeUndefined();
    const between = await s.barrier();
    const second = await s.attack({ ...MEM, id: "proc-mem-again" });
    expect(second.record.previousBarrier).toBe(between.nonce);
    expect(second.record.previousBarrier).not.toBe(first.record.barrier);
  });

  it("gets its marker exec when it did not complete, so its late events stay in its own window", async () => {
    const s = session(async () => ({ command: "kubectl exec cat", exitCode: 1, stdout: "", stderr: "error: unable to upgrade connection\n", startedAt: "", durationMs: 1 }), silent);
    await expect(s.attempt(MEM)).rejects.toBeInstanceOf(AttemptFailed);
    expect(s.barriers).toHaveLength(1);
    expect(s.attempts[0]?.barrier).toBe(s.barriers[0]?.nonce);
  });

  it("names the attempt and its own failure when the marker exec after a failed attempt fails too", async () => {
    const s = session(async () => ({ command: "kubectl exec cat", exitCode: 1, stdout: "", stderr: "error: unable to upgrade connection\n", startedAt: "", durationMs: 1 }), silent);
    const kube = s.deps.kube;
    Object.assign(kube, { exec: async (_n: string, _p: string, cmd: readonly string[]) => {
      if (cmd[0] === "true") throw new Error("kubectl exec true: pod not found");
      return { command: "kubectl exec cat", exitCode: 1, stdout: "", stderr: "error: unable to upgrade connection\n", startedAt: "", durationMs: 1 };
    } });
    const err = (await s.attempt(MEM).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/^the marker exec after enforcement\/proc-mem in pod [^ ]+ failed \(the attempt itself did not complete: attempt enforcement\/proc-mem did not complete: /);
    expect((err.cause as Error).message).toBe("kubectl exec true: pod not found");
    expect(s.attempts).toHaveLength(1);
  });

  it("carries its barrier's nonce once the barrier succeeded", async () => {
    const s = session(exited1, { name: "falco", waitForMarker: async () => ({ timeMs: Date.now() }) });
    const r = await s.attack(MEM);
    expect(r.record.barrier).toMatch(/^secretproof-marker-/);
    expect(s.barriers[0]).toMatchObject({ nonce: r.record.barrier, offsets: { falco: expect.any(Object) } });
  });
});

describe("the spared attempts are re-checked once, after the event-delay wait", () => {
  const live: MarkerStream = { name: "tetragon", waitForMarker: async () => ({ timeMs: Date.now() }) };

  it("runs one re-check barrier, once the wait after the last attempt has passed with no kill, and notes it on every record", async () => {
    const s = session(exited1, live);
    const first = await s.attack(MEM);
    const second = await s.attack({ ...MEM, id: "proc-mem-again" });
    const killed = await s.recheck([first.record, second.record], 300, () => false);
    expect(killed).toBe(false);
    expect(first.record.recheck).toBeDefined();
    expect(second.record.recheck).toBe(first.record.recheck);
    const b = s.barriers.find((x) => x.nonce === first.record.recheck);
    expect(b?.requestedMs).toBeGreaterThanOrEqual(second.record.endMs + 300);
    expect(s.barriers).toHaveLength(3);
  });

  it("returns at once, with no re-check, when a late kill shows up", async () => {
    const s = session(exited1, live);
    const r = await s.attack(MEM);
    expect(await s.recheck([r.record], 60_000, () => true)).toBe(true);
    expect(r.record.recheck).toBeUndefined();
  });

  it("runs no barrier when there is nothing to re-check", async () => {
    const s = session(exited1, live);
    expect(await s.recheck([], 60_000, () => false)).toBe(false);
    expect(s.barriers).toHaveLength(0);
  });
});
