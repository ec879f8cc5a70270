import { describe, expect, it } from "vitest";
import { attackGrid } from "../../../harness/report/attack-grid.ts";
import type { MatrixRow } from "../../../harness/claims/registry.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { pick } from "../../support/falco-catalogue.ts";

const recorded = (ids: string[]) => ({ environment: { ptraceScope: "1", conditions: [] }, attacks: ids.map(pick) });
const row = (attack: string, over: Partial<MatrixRow> = {}): MatrixRow => ({ attack, method: attack, ...over });
const killed = { falcoFired: true, timeToDetectMs: 90, tetragonKilled: true, exitCode: 137, timeToKillMs: 12 };

describe("the attack matrix grid", () => {
  it("lists rows in the recorded catalogue's order, not the files' alphabetical one; rows no catalogue declares come last", () => {
    const view = memoryBundle({ "enforcement/catalogue.json": recorded(["tail", "cat", "proc-mem"]) });
    const rows = [row("awk"), row("cat"), row("proc-mem"), row("tail")];
    expect(attackGrid(view, rows).rows.map((r) => r.attack)).toEqual(["tail", "cat", "proc-mem", "awk"]);
  });

  it("colours each observed cell expected or unexpected against the entry's declared outcome", () => {
    const view = memoryBundle({ "detection/catalogue.json": recorded(["cat", "proc-mem"]), "enforcement/catalogue.json": recorded(["cat", "proc-mem"]) });
    const [cat, mem] = attackGrid(view, [
      row("cat", { ...killed, tetragonKilled: false, exitCode: 0, timeToKillMs: null }),
      row("proc-mem", { falcoFired: true, timeToDetectMs: 100, tetragonKilled: false, exitCode: 1, timeToKillMs: null }),
    ]).rows;
    expect(cat?.cells.map((c) => [c.text, c.state, c.declared])).toEqual([
      ["yes", "expected", undefined],
      ["no", "unexpected", "a kill"],
      ["0", "unexpected", "exit 137"],
      ["90ms", "expected", undefined],
      ["none", "unexpected", "a kill"],
    ]);
    expect(mem?.cells.map((c) => c.state)).toEqual(["expected", "expected", "expected", "expected", "expected"]);
  });

  it("shows the catalogue's argv as typed, and a field the run did not observe as unobserved", () => {
    const view = memoryBundle({ "enforcement/catalogue.json": recorded(["python3-c"]) });
    const [r] = attackGrid(view, [row("python3-c", { method: `python3 -c 'print(open('\\''/mnt/secrets/db-password'\\'').read())'` })]).rows;
    expect(r?.command).toBe(`python3 -c "print(open('/mnt/secrets/db-password').read())"`);
    expect(r?.cells.every((c) => c.state === "unobserved" && c.text === "—")).toBe(true);
  });

  it("compares nothing without a catalogue, and says why when the recorded one is unreadable", () => {
    const grid = attackGrid(memoryBundle({ "enforcement/catalogue.json": '{"attacks": [' }), [row("cat", killed)]);
    expect(grid.rows[0]?.cells.map((c) => c.state)).toEqual(["undeclared", "undeclared", "undeclared", "undeclared", "undeclared"]);
    expect(grid.catalogueError).toMatch(/^the recorded catalogue could not be read, so cells are not compared with it: /);
  });

  it("carries ATT&CK ids when a row has them", () => {
    const withIds = { ...row("cat"), mitre: ["T1552.001"] } as MatrixRow;
    expect(attackGrid(memoryBundle({}), [withIds, row("dd")]).rows.map((r) => r.mitre)).toEqual([["T1552.001"], []]);
  });
});
