import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CATALOGUE_PATH, catalogueProblems, loadCatalogue, resolveAttack } from "../../../harness/attack/catalogue.ts";
import { ruleNames } from "../../../harness/falco/rules-file.ts";

const rules = ruleNames();
const catalogue = loadCatalogue(rules);
const raw = () => parse(readFileSync(CATALOGUE_PATH, "utf8")) as { attacks: Record<string, unknown>[] };

describe("attack catalogue", () => {
  it("holds every read method of the articles and the F2 behaviours", () => {
    const commands = catalogue.attacks.map((a) => a.command.join(" "));
    for (const m of ["cat ", "head ", "tail ", "dd ", "awk ", "sed ", "sh -c cat ", "python3 -c print(open("]) {
      expect(commands.some((c) => c.startsWith(m) && c.includes("/mnt/secrets/db-password")), m).toBe(true);
    }
    const f2 = catalogue.attacks.filter((a) => a.claims.includes("F2")).map((a) => a.id);
    expect(f2).toEqual(expect.arrayContaining(["shell-tty", "exfil-python", "proc-mem", "tamper-write"]));
  });

  it("is valid: unique ids, known claims, rules that exist in fixtures/falco", () => {
    expect(catalogueProblems(raw(), rules)).toEqual([]);
  });

  it("declares a kill with exit 137 and empty output for every credential reader", () => {
    for (const a of catalogue.attacks.filter((x) => x.target)) {
      expect(a.enforcement, a.id).toEqual({ exitCode: 137, stdout: "empty", tetragon: "kill" });
      expect(a.detection, a.id).toEqual({ exitCode: 0, stdout: "credential" });
      expect(a.falco.fires.some((f) => f.rule === "SecretProof - Secret File Read"), a.id).toBe(true);
    }
  });

  it("rejects a duplicate id, an unknown claim, an unknown rule and a misspelled key", () => {
    const doc = raw();
    const first = doc.attacks[0] as Record<string, unknown>;
    doc.attacks.push({ ...first, claims: ["F9"] });
    (doc.attacks[1] as { falco: { silent: string[] } }).falco.silent = ["No Such Rule"];
    (doc.attacks[2] as Record<string, unknown>).comand = ["cat"];
    const problems = catalogueProblems(doc, rules);
    expect(problems.join("\n")).toMatch(/must NOT have additional properties/);
    delete (doc.attacks[2] as Record<string, unknown>).comand;
    const p2 = catalogueProblems(doc, rules).join("\n");
    expect(p2).toMatch(/duplicate id/);
    expect(p2).toMatch(/unknown claim F9/);
    expect(p2).toMatch(/No Such Rule/);
  });

  it("switches MEM's expected rule when the kernel lets the open through", () => {
    const mem = catalogue.attacks.find((a) => a.id === "proc-mem");
    if (!mem) throw new Error("proc-mem missing");
    expect(resolveAttack(mem, new Set()).falco.fires[0]?.rule).toBe("SecretProof - Process Memory Open Refused");
    expect(resolveAttack(mem, new Set(["ptrace-permissive"])).falco.fires[0]?.rule).toBe("SecretProof - Process Memory Read");
  });
});
