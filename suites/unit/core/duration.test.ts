import { describe, expect, it } from "vitest";
import { formatMs, toMs, toSeconds } from "../../../clusters/duration.ts";

describe("durations", () => {
  it("reads the spellings the profile uses", () => {
    expect(toMs("250ms")).toBe(250);
    expect(toMs("30s")).toBe(30_000);
    expect(toMs("5m")).toBe(300_000);
    expect(toMs("1h")).toBe(3_600_000);
    expect(toMs("1m30s")).toBe(90_000);
    expect(toSeconds("1500ms")).toBe(2);
  });

  it("rejects what it cannot read instead of guessing", () => {
    for (const bad of ["", "5", "5 minutes", "m5", "5m junk", "-1s"]) {
      expect(() => toMs(bad), bad).toThrow(/invalid duration/);
    }
  });

  it("formats for humans without a 60-second minute", () => {
    expect(formatMs(950)).toBe("950ms");
    expect(formatMs(12_340)).toBe("12.3s");
    expect(formatMs(245_000)).toBe("4m05s");
    expect(formatMs(119_700)).toBe("2m00s");
  });
});
