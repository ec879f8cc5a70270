import { describe, expect, it } from "vitest";
import { markerFollows } from "../../../harness/attack/marker-order.ts";

describe("an attempt's marker follows it, across the clock offset the slack covers", () => {
  it("follows when the marker's node time is after the attempt's end", () => {
    expect(markerFollows(10_100, 10_000, 50)).toBe(true);
  });

  it("follows when the node clock is behind by less than the slack", () => {
    expect(markerFollows(9_970, 10_000, 50)).toBe(true);
    expect(markerFollows(9_950, 10_000, 50)).toBe(true);
  });

  it("does not follow when the marker is before the end by more than the slack, or was not seen", () => {
    expect(markerFollows(9_949, 10_000, 50)).toBe(false);
    expect(markerFollows(undefined, 10_000, 50)).toBe(false);
  });
});
