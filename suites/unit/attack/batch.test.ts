import { describe, expect, it } from "vitest";
import { AttemptBatch, entryError } from "../../../harness/attack/batch.ts";
import type { MarkerStream } from "../../../harness/attack/barrier.ts";
import type { Attack } from "../../../harness/attack/catalogue.ts";
import { AttackSession } from "../../../harness/attack/session.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { POD } from "../../support/falco-samples.ts";

/** The ci profile with a short closing-marker gap, so the tests do not wait Falco's second. */
const FAST = { ...PROFILES.ci, waits: { ...PROFILES.ci.waits, falcoDropCheck: "30ms" as const, eventPoll: "5ms" as const } };

const entry = (id: string, exitCode = 1): Attack => ({
  id, source: "test", command: ["cat", `/proc/1/${id}`], claims: ["F2"],
  falco: { fires: [], silent: [] }, detection: { exitCode, stdout: "empty" }, enforcement: { exitCode, stdout: "empty", tetragon: "spare" },
});

/** A stream that has delivered the markers in `delivered` (a set the test fills), each at the time of its lookup. */
function stream(name: string, delivered: Set<string> | "all"): MarkerStream & { asked: string[] } {
  const asked: string[] = [];
  return {
    name,
    asked,
    waitForMarker: async (nonce, _pod, timeoutMs) => {
      asked.push(nonce);
      if (delivered === "all" || delivered.has(nonce)) return { timeMs: Date.now() };
      throw new Error(`timed out waiting for ${name} marker ${nonce} after ${timeoutMs} ms`);
    },
  };
}

/** A session over a fake kubectl that logs every exec; an attack exits 1, a marker exec succeeds, `broken` attacks fail in kubectl. */
function session(streams: MarkerStream[], log: string[], broken = new Set<string>(), failMarkers = new Set<number>()): AttackSession {
  let markers = 0;
  const never = () => Promise.reject(new Error("not used"));
  const result = (command: string, exitCode: number, stderr: string): ExecResult => ({ command, exitCode, stdout: "", stderr, startedAt: "", durationMs: 1 });
  const exec = async (_n: string, _p: string, cmd: readonly string[]) => {
    log.push(cmd[0] === "true" ? "marker" : `attack ${cmd[1]}`);
    // kubectl.exec throws on an exit code not allowed (harness/kube/kubectl.ts): a marker's only allowed code is 0.
    if (cmd[0] === "true" && failMarkers.has(++markers)) throw new Error("kubectl exec true exited 1: error: unable to upgrade connection");
    if (cmd[0] === "true") return result("kubectl exec true", 0, "");
    if (broken.has(String(cmd[1]))) return result("kubectl exec cat", 1, "error: unable to upgrade connection\n");
    return result("kubectl exec cat", 1, "cat: Input/output error\ncommand terminated with exit code 1\n");
  };
  const kube: Kubectl = { context: "kind-test", run: never, json: never, apply: never, rolloutStatus: never, exec };
  return Object.assign(Object.create(AttackSession.prototype) as AttackSession, {
    deps: { kube, profile: FAST }, phase: "enforcement", pod: POD, attempts: [], barriers: [], streams,
  });
}

describe("a batch runs every attempt with its own marker, then waits once for the markers", () => {
  it("runs attempt, marker, attempt, marker, … with no wait between, then notes every marker's arrival in every stream", async () => {
    const log: string[] = [];
    const falco = stream("falco", "all");
    const tetragon = stream("tetragon", "all");
    const s = session([falco, tetragon], log);
    const attacks = ["a", "b", "c"].map((id) => entry(id));
    const batch = await AttemptBatch.run(s, attacks, (a) => s.attempt(a));
    // the last marker is the batch's closing one, waits.falcoDropCheck after c's (drop-check.ts)
    expect(log).toEqual(["attack /proc/1/a", "marker", "attack /proc/1/b", "marker", "attack /proc/1/c", "marker", "marker"]);
    const [a, b, c] = attacks.map((x) => batch.result(x.id).record);
    expect([a?.previousBarrier, b?.previousBarrier, c?.previousBarrier]).toEqual([undefined, a?.barrier, b?.barrier]);
    expect(s.barriers.map((x) => Object.keys(x.seen).sort())).toEqual([["falco", "tetragon"], ["falco", "tetragon"], ["falco", "tetragon"], ["falco", "tetragon"]]);
    expect(s.barriers.every((x) => x.offsets.falco && x.offsets.tetragon)).toBe(true);
    expect(batch.closing).toBe(s.barriers[3]?.nonce);
    expect((s.barriers[3]?.requestedMs ?? 0) - (s.barriers[2]?.execEndMs ?? 0)).toBeGreaterThanOrEqual(30);
    expect(falco.asked[0], "each stream is searched from the last marker back").toBe(batch.closing);
  });

  it("fails only the entry whose marker a stream did not deliver, naming the stream, the marker and the stream's error", async () => {
    const log: string[] = [];
    const delivered = new Set<string>();
    const tetragon = stream("tetragon", delivered);
    const s = session([stream("falco", "all"), tetragon], log);
    // b runs last: the entry after an undelivered marker fails too (its window's lower bound is lost), tested below
    const attacks = ["a", "c", "b"].map((id) => entry(id));
    const batch = await AttemptBatch.run(s, attacks, async (a) => {
      const r = await s.attempt(a);
      if (a.id !== "b") delivered.add(r.record.barrier as string);
      return r;
    });
    expect(batch.result("a").record.exitCode).toBe(1);
    expect(batch.result("c").record.exitCode).toBe(1);
    expect(() => batch.result("b")).toThrow(/^the marker exec after b \(secretproof-marker-[^)]+\) was not delivered by the tetragon stream: timed out waiting for tetragon marker/);
    expect(s.barriers[2]?.seen).toEqual({ falco: expect.any(Number) });
  });

  it("keeps an attempt that failed to run for its own test, with its error, and runs the next one", async () => {
    const log: string[] = [];
    const s = session([stream("falco", "all")], log, new Set(["/proc/1/b"]));
    const attacks = ["a", "b", "c"].map((id) => entry(id));
    const batch = await AttemptBatch.run(s, attacks, (a) => s.attempt(a));
    expect(() => batch.result("b")).toThrow(/^attempt enforcement\/b did not complete: attack b: .*unable to upgrade connection/);
    expect(batch.result("c").record.exitCode).toBe(1);
    expect(s.attempts.map((x) => [x.attack, x.exitCode])).toEqual([["a", 1], ["b", -1], ["c", 1]]);
    // A marker after an attempt that did not complete too: its late events stay in its own window, and the next one's starts after it.
    expect(log).toEqual(["attack /proc/1/a", "marker", "attack /proc/1/b", "marker", "attack /proc/1/c", "marker", "marker"]);
    expect(s.attempts[1]?.barrier).toEqual(expect.stringMatching(/^secretproof-marker-/));
    expect(s.attempts[2]?.previousBarrier).toBe(s.attempts[1]?.barrier);
    expect(batch.entries.get("b")?.markers).toEqual([s.attempts[1]?.barrier]);
  });

  it("runs a fresh marker before the next step when a step's own marker exec failed, so the next window has a lower bound", async () => {
    const log: string[] = [];
    const s = session([stream("falco", "all")], log, new Set(), new Set([2]));
    const batch = await AttemptBatch.run(s, ["a", "b", "c"].map((id) => entry(id)), (a) => s.attempt(a));
    expect(() => batch.result("b")).toThrow(/^the marker exec after enforcement\/b in pod .* failed/);
    expect(log).toEqual(["attack /proc/1/a", "marker", "attack /proc/1/b", "marker", "marker", "attack /proc/1/c", "marker", "marker"]);
    const fresh = s.barriers[1]?.nonce;
    expect(batch.entries.get("c")?.previous).toBe(fresh);
    expect(batch.result("c").record.exitCode).toBe(1);
  });

  it("fails the next step unrun, naming both, when the fresh marker exec fails too", async () => {
    const log: string[] = [];
    const s = session([stream("falco", "all")], log, new Set(), new Set([2, 3]));
    const batch = await AttemptBatch.run(s, ["a", "b", "c", "d"].map((id) => entry(id)), (a) => s.attempt(a));
    expect(() => batch.result("c")).toThrow(/^c was not attempted: no marker followed b, and the marker exec before c failed too/);
    expect(log).toEqual(["attack /proc/1/a", "marker", "attack /proc/1/b", "marker", "marker", "marker", "attack /proc/1/d", "marker", "marker"]);
    expect(batch.result("d").record.exitCode).toBe(1);
  });

  it("attributes every marker a step ran to its entry (the login's marker after a credential read)", async () => {
    const delivered = new Set<string>();
    const s = session([stream("falco", delivered)], []);
    const batch = await AttemptBatch.run(s, [entry("a"), entry("b")], async (a) => {
      const r = await s.attempt(a);
      delivered.add(r.record.barrier as string);
      if (a.id === "a") await s.mark();
      return r;
    });
    expect(batch.entries.get("a")?.markers).toHaveLength(2);
    expect(() => batch.result("a")).toThrow(/^the marker exec after a .* was not delivered by the falco stream/);
    expect(s.attempts[1]?.previousBarrier).toBe(batch.entries.get("a")?.markers[1]);
  });

  it("fails an entry whose previous marker a stream did not deliver, naming that marker as its window's lower bound", async () => {
    const delivered = new Set<string>();
    const s = session([stream("falco", "all"), stream("tetragon", delivered)], []);
    const batch = await AttemptBatch.run(s, [entry("a"), entry("b"), entry("c")], async (a) => {
      const r = await s.attempt(a);
      if (a.id !== "a") delivered.add(r.record.barrier as string);
      return r;
    });
    const lost = batch.entries.get("a")?.markers[0] as string;
    expect(batch.entries.get("b")?.previous).toBe(lost);
    expect(() => batch.result("b")).toThrow(`the marker exec before b (${lost}), the lower bound of its window, was not delivered by the tetragon stream: timed out waiting for tetragon marker ${lost}`);
    expect(batch.result("c").record.exitCode).toBe(1);
  });

  it("awaits the marker before the first step when a stream has not delivered it, and fails the first entry when it stays undelivered", async () => {
    const falco = stream("falco", "all");
    const delivered = new Set<string>();
    const s = session([falco, stream("tetragon", delivered)], []);
    const before = await s.mark();
    const batch = await AttemptBatch.run(s, [entry("a")], async (a) => {
      const r = await s.attempt(a);
      delivered.add(r.record.barrier as string);
      return r;
    });
    expect(falco.asked).toContain(before.nonce);
    expect(before.seen).toEqual({ falco: expect.any(Number) });
    expect(() => batch.result("a")).toThrow(`the marker exec before a (${before.nonce}), the lower bound of its window, was not delivered by the tetragon stream`);
  });

  it("starts no further step once the run is stopping: the entries not run fail naming why, and no marker is awaited", async () => {
    const log: string[] = [];
    const falco = stream("falco", "all");
    const s = session([falco], log);
    let stop: string | undefined;
    const batch = await AttemptBatch.run(s, ["a", "b", "c"].map((id) => entry(id)), async (a) => {
      const r = await s.attempt(a);
      stop = "the run was cancelled";
      return r;
    }, () => stop);
    expect(log).toEqual(["attack /proc/1/a", "marker"]);
    expect(() => batch.result("b")).toThrow("b was not attempted: the run was cancelled");
    expect(() => batch.result("c")).toThrow("c was not attempted: the run was cancelled");
    expect(falco.asked).toEqual([]);
    expect(() => batch.result("a")).toThrow(/^the marker exec after a \(secretproof-marker-[^)]+\) was not delivered by the falco stream: not awaited: the run was cancelled$/);
  });

  it("starts no step at all when the run is already stopping", async () => {
    const log: string[] = [];
    const s = session([stream("falco", "all")], log);
    const batch = await AttemptBatch.run(s, [entry("a")], (a) => s.attempt(a), () => "the suites' deadline passed 0ms ago: the run is being cancelled");
    expect(log).toEqual([]);
    expect(() => batch.result("a")).toThrow("a was not attempted: the suites' deadline passed 0ms ago: the run is being cancelled");
  });

  it("fails every entry, naming the closing marker, when Falco does not deliver it: a drop up to the last attempt is then unproven", async () => {
    const delivered = new Set<string>();
    const s = session([stream("falco", delivered), stream("tetragon", "all")], []);
    const batch = await AttemptBatch.run(s, [entry("a"), entry("b")], async (a) => {
      const r = await s.attempt(a);
      delivered.add(r.record.barrier as string);
      return r;
    });
    expect(batch.closing).toBe(s.barriers.at(-1)?.nonce);
    for (const id of ["a", "b"]) {
      expect(() => batch.result(id)).toThrow(`the batch's closing marker exec (${batch.closing}), which proves Falco reported every event drop up to the last attempt, was not delivered by the falco stream`);
    }
  });

  it("does not fail the entries when only Tetragon misses the closing marker", async () => {
    const delivered = new Set<string>();
    const s = session([stream("falco", "all"), stream("tetragon", delivered)], []);
    const batch = await AttemptBatch.run(s, [entry("a")], async (a) => {
      const r = await s.attempt(a);
      delivered.add(r.record.barrier as string);
      return r;
    });
    expect(batch.undelivered.map((u) => [u.stream, u.nonce])).toEqual([["tetragon", batch.closing]]);
    expect(batch.result("a").record.exitCode).toBe(1);
  });

  it("runs no closing marker when no step ran one", async () => {
    const log: string[] = [];
    const s = session([stream("falco", "all")], log);
    const batch = await AttemptBatch.run(s, [entry("a")], () => Promise.reject(new Error("refused before running")));
    expect(log).toEqual([]);
    expect(batch.closing).toBeUndefined();
    expect(() => batch.result("a")).toThrow("refused before running");
  });

  it("names an entry the batch never ran", () => {
    expect(entryError("x", undefined, [])?.message).toBe("x was not attempted: the batch holds no step for it");
  });
});
