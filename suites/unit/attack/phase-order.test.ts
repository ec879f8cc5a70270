import { describe, expect, it } from "vitest";
import type { EnforcedOutcome } from "../../../harness/attack/catalogue.ts";
import { loadAttackMatrix } from "../../../harness/attack/matrix-catalogue.ts";
import { attemptsAfterLastSpared, sparedFirst } from "../../../harness/attack/phase-order.ts";

const entry = (id: string, tetragon: EnforcedOutcome["tetragon"]) => ({ id, enforcement: { exitCode: tetragon === "kill" ? 137 : 0, stdout: "empty" as const, tetragon } });

describe("phase 2's order", () => {
  it("runs the spared entries first, then the killed ones, each group in catalogue order", () => {
    const order = sparedFirst([entry("a", "kill"), entry("b", "spare"), entry("c", "kill"), entry("d", "spare")]);
    expect(order.map((a) => a.id)).toEqual(["b", "d", "a", "c"]);
  });

  it("counts the attempts after the last spared one, all of them when none is spared and none when the last is", () => {
    expect(attemptsAfterLastSpared([entry("b", "spare"), entry("a", "kill"), entry("c", "kill")])).toBe(2);
    expect(attemptsAfterLastSpared([entry("a", "kill"), entry("c", "kill")])).toBe(2);
    expect(attemptsAfterLastSpared([entry("a", "kill"), entry("b", "spare")])).toBe(0);
  });

  it("keeps every catalogue entry exactly once, so each matrix row still gets its phase-2 attempt", () => {
    const attacks = loadAttackMatrix().catalogue.attacks;
    const order = sparedFirst(attacks);
    expect(order.map((a) => a.id).sort()).toEqual(attacks.map((a) => a.id).sort());
    expect(order.findIndex((a) => a.enforcement.tetragon === "kill")).toBe(attacks.filter((a) => a.enforcement.tetragon === "spare").length);
  });
});
