import { describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import type { BarrierRecord, Undelivered } from "../../../harness/attack/barrier.ts";
import { dropCheckDueMs, settleDrops } from "../../../harness/attack/drop-check.ts";
import { FALCO_DROP_CHECK_INTERVAL_MS } from "../../../harness/falco/drop-config.ts";
import { PROFILES } from "../../../harness/profile.ts";

describe("a batch's closing marker follows its last marker by more than Falco's drop check interval", () => {
  it("is due waits.falcoDropCheck after the last marker exec returned", () => {
    expect(dropCheckDueMs({ execEndMs: 10_000 }, 1500)).toBe(11_500);
  });

  it("is not due at all when no marker ran", () => {
    expect(dropCheckDueMs(undefined, 1500)).toBeUndefined();
  });

  it("every profile's waits.falcoDropCheck exceeds Falco's one-second check", () => {
    for (const p of Object.values(PROFILES)) expect(toMs(p.waits.falcoDropCheck), p.name).toBeGreaterThan(FALCO_DROP_CHECK_INTERVAL_MS);
  });
});

describe("a judged absence's last barrier is followed by a delivered closing marker (settleDrops)", () => {
  const profile = { ...PROFILES.ci, waits: { ...PROFILES.ci.waits, falcoDropCheck: "40ms", eventPoll: "5ms" } };
  const record = (nonce: string, execEndMs: number): BarrierRecord => ({ nonce, requestedMs: execEndMs - 5, execEndMs, seen: {}, offsets: {} });
  const session = (undelivered: (nonce: string) => Undelivered[]) => {
    const marks: BarrierRecord[] = [];
    return {
      marks,
      deps: { profile } as never,
      mark: async () => {
        const b = record(`closing-${marks.length}`, Date.now());
        marks.push(b);
        return b;
      },
      awaitMarkers: async (rs: readonly BarrierRecord[]) => rs.flatMap((r) => undelivered(r.nonce)),
    };
  };

  it("runs the closing marker no sooner than waits.falcoDropCheck after the barrier, and returns it once Falco delivered it", async () => {
    const s = session(() => []);
    const last = record("quiet-end", Date.now());
    const c = await settleDrops(s, last);
    expect(s.marks).toEqual([c]);
    expect(c.requestedMs + 5).toBeGreaterThanOrEqual(last.execEndMs + 40);
  });

  it("fails naming the closing marker and the barrier when the falco stream did not deliver it", async () => {
    const s = session((nonce) => [{ stream: "falco", nonce, error: new Error("timed out") }]);
    await expect(settleDrops(s, record("quiet-end", Date.now()))).rejects.toThrow(/closing marker exec \(closing-0\).*up to marker quiet-end, was not delivered by the falco stream/);
  });

  it("does not fail on another stream's missing delivery: only Falco reports drops", async () => {
    const s = session((nonce) => [{ stream: "tetragon", nonce, error: new Error("late") }]);
    await expect(settleDrops(s, record("quiet-end", Date.now()))).resolves.toMatchObject({ nonce: "closing-0" });
  });
});
