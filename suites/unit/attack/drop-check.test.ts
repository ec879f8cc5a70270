import { describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { dropCheckDueMs } from "../../../harness/attack/drop-check.ts";
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
