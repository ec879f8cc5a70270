import { describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { killSettleMs, TETRAGON_EVENT_CACHE_MAX_DELAY_MS } from "../../../harness/tetragon/event-cache.ts";
import { PROFILES } from "../../../harness/profile.ts";

describe("a kill verdict waits for its events as long as Tetragon's event cache may hold them", () => {
  const { killWait, tetragonEventDelay } = PROFILES.ci.waits;
  const [kw, delay] = [toMs(killWait), toMs(tetragonEventDelay)];

  it("waits until waits.tetragonEventDelay after the attempt ended when that is later than waits.killWait", () => {
    expect(killSettleMs(100_000, 99_000, kw, delay)).toBe(99_000 + delay - 100_000);
  });

  it("waits waits.killWait once the attempt ended longer ago than the event delay, or when no attempt was recorded", () => {
    expect(killSettleMs(200_000, 100_000, kw, delay)).toBe(kw);
    expect(killSettleMs(200_000, undefined, kw, delay)).toBe(kw);
  });

  it("the ci profile's event delay covers the cache's longest hold", () => {
    expect(delay).toBeGreaterThanOrEqual(TETRAGON_EVENT_CACHE_MAX_DELAY_MS);
  });
});
