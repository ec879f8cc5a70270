import { describe, expect, it } from "vitest";
import { conditionHolds } from "../../../harness/attack/rule-reach.ts";

const m = new Map([["mine", 'proc.name in (cat, "head")'], ["loop", "loop"]]);
const holds = (c: string, facts: Record<string, string | number> = { "proc.name": "cat", "fd.name": "/mnt/s/x" }) => conditionHolds(c, facts, m);

describe("whether a Falco condition can hold for given facts (true, false, unknown)", () => {
  it("decides the checks on given fields, and leaves the rest and upstream macros unknown", () => {
    expect(holds("proc.name = cat and fd.name startswith /mnt/")).toBe(true);
    expect(holds("proc.name = cat and fd.name startswith /etc/")).toBe(false);
    expect(holds("open_read and proc.name = cat")).toBe("unknown");
    expect(holds("open_read and proc.name = sh")).toBe(false);
    expect(holds("open_read or proc.name = cat")).toBe(true);
    expect(holds("not open_read")).toBe("unknown");
    expect(holds("not (proc.name = sh)")).toBe(true);
  });

  it("reads lists, contains, endswith and Falco's glob (which crosses /), and expands our macros, stopping at a loop", () => {
    expect(holds("mine")).toBe(true);
    expect(holds("mine", { "proc.name": "tail" })).toBe(false);
    expect(holds('fd.name glob "/mnt/*"')).toBe(true);
    expect(holds('fd.name contains "/s/" and fd.name endswith x')).toBe(true);
    expect(holds("proc.tty != 0")).toBe("unknown");
    expect(holds("loop")).toBe("unknown");
  });
});
