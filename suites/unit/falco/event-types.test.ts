import { describe, expect, it } from "vitest";
import {
  ALL_TYPES,
  conditionEventTypes,
  describeTypes,
  intersect,
  invert,
  isEmpty,
  unite,
  type EventTypes,
  type TypeScope,
} from "../../../harness/falco/event-types.ts";

const only = (...n: string[]): EventTypes => ({ only: new Set(n) });
const but = (...n: string[]): EventTypes => ({ except: new Set(n) });

/** Upstream macros summarised as in fixtures/falco/upstream-rules.yaml. */
const scope: TypeScope = {
  macros: new Map([
    ["my_exec", "spawned_process and proc.name = sh"],
    ["my_any", "proc.name = sh"],
    ["loop_a", "loop_b"],
    ["loop_b", "loop_a"],
  ]),
  typed: {
    open_read: { evttypes: ["open", "openat", "openat2"] },
    spawned_process: { evttypes: ["execve", "execveat"], onlyEvttype: true },
  },
};
const types = (c: string) => describeTypes(conditionEventTypes(c, scope));

describe("event type sets (only these / all but these)", () => {
  it("intersect, unite and invert like sets over an unlisted universe", () => {
    expect(describeTypes(intersect(only("a", "b"), only("b", "c")))).toBe("b");
    expect(describeTypes(intersect(only("a", "b"), but("b")))).toBe("a");
    expect(describeTypes(intersect(but("a"), but("b")))).toBe("all event types but a, b");
    expect(describeTypes(unite(only("a"), only("b")))).toBe("a, b");
    expect(describeTypes(unite(only("a"), but("a", "b")))).toBe("all event types but b");
    expect(describeTypes(unite(but("a", "b"), but("b", "c")))).toBe("all event types but b");
    expect(describeTypes(invert(only("a")))).toBe("all event types but a");
    expect(isEmpty(intersect(only("a"), but("a")))).toBe(true);
    expect(isEmpty(intersect(ALL_TYPES, but("a")))).toBe(false);
  });
});

describe("the event types of a condition, as Falco's libs derive them", () => {
  it("an evt.type test names its types; any other test is neutral", () => {
    expect(types("evt.type in (open, openat) and fd.name startswith /etc")).toBe("open, openat");
    expect(types('evt.type=connect and (fd.typechar=4 or fd.typechar=6)')).toBe("connect");
    expect(types("proc.name = cat")).toBe("all event types");
    expect(types("not proc.name = cat")).toBe("all event types");
  });

  it("or unites, and intersects, != and not invert only type tests", () => {
    expect(types("evt.type = open or evt.type = connect")).toBe("connect, open");
    expect(types("evt.type in (open, connect) and evt.type = open")).toBe("open");
    expect(types("evt.type != open")).toBe("all event types but open");
    expect(types("not evt.type != open")).toBe("open");
    expect(types("not (evt.type = open and proc.name = cat)")).toBe("all event types");
    expect(types("not (evt.type = open or evt.type = connect)")).toBe("all event types but connect, open");
  });

  it("expands our macros in place, negation included", () => {
    expect(types("my_exec and proc.tty != 0")).toBe("execve, execveat");
    expect(types("not my_exec")).toBe("all event types");
    expect(types("my_any")).toBe("all event types");
  });

  it("summarises upstream macros: pure evt.type macros invert under not, mixed ones become neutral", () => {
    expect(types("open_read and container")).toBe("open, openat, openat2");
    expect(types("not spawned_process")).toBe("all event types but execve, execveat");
    expect(types("not open_read")).toBe("all event types");
    expect(types("container and proc_name_exists")).toBe("all event types");
  });

  it("reads quoted values, lists, exists checks and indexed fields", () => {
    expect(types(`evt.type in ("open", 'openat') and proc.aname[2] exists and not proc.pname in (runc:[0:PARENT], "a b")`)).toBe("open, openat");
  });

  it("refuses a condition it cannot read, naming it", () => {
    expect(() => types("evt.type in (open")).toThrow(/cannot read the Falco condition "evt.type in \(open"/);
    expect(() => types("(evt.type = open")).toThrow(/missing \)/);
    expect(() => types("fd.name startswith")).toThrow(/unexpected end/);
    expect(() => types("evt.type = open )")).toThrow(/trailing input at token 3/);
    expect(() => types("proc.name cat")).toThrow(/operator expected after proc.name/);
    expect(() => types("loop_a")).toThrow(/macro loop_a refers to itself \(loop_a -> loop_b -> loop_a\)/);
  });
});
