import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { CATALOGUE_PATH, catalogueProblems, loadCatalogue, resolveAttack } from "../../../harness/attack/catalogue.ts";
import { ruleNames } from "../../../harness/falco/rules-file.ts";
import { TECHNIQUES } from "../../../harness/attack/mitre.ts";

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

  it("declares a kill with exit 137 and empty output for every credential reader without a declared blind spot", () => {
    for (const a of catalogue.attacks.filter((x) => x.target && !x.blindSpot)) {
      expect(a.enforcement, a.id).toEqual({ exitCode: 137, stdout: "empty", tetragon: "kill" });
      // a reader that opens the credential but cannot deliver it (cp-stdout) says why in its reason
      if (a.detection.stdout !== "credential") expect(a.reason, a.id).toMatch(/EACCES|cannot|fails/);
      else expect(a.detection, a.id).toEqual({ exitCode: 0, stdout: "credential" });
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

  it("has at least 24 entries, each with ATT&CK technique ids the table names", () => {
    expect(catalogue.attacks.length).toBeGreaterThanOrEqual(24);
    for (const a of catalogue.attacks) {
      expect(a.mitre?.length, a.id).toBeGreaterThan(0);
      for (const t of a.mitre ?? []) expect(TECHNIQUES[t], `${a.id} ${t}`).toBeDefined();
    }
    expect(catalogue.attacks.filter((a) => a.target).every((a) => a.mitre?.includes("T1552.001"))).toBe(true);
  });

  it("rejects a missing or malformed technique id, one outside the table, and a decode without a target", () => {
    const doc = raw();
    delete (doc.attacks[0] as Record<string, unknown>).mitre;
    (doc.attacks[1] as Record<string, unknown>).mitre = ["T1552.1"];
    (doc.attacks[2] as Record<string, unknown>).mitre = ["T9999"];
    const p = catalogueProblems(doc, rules).join("\n");
    expect(p).toMatch(/must have required property 'mitre'/);
    expect(p).toMatch(/must match pattern/);
    const doc2 = raw();
    (doc2.attacks[2] as Record<string, unknown>).mitre = ["T9999"];
    const shell = doc2.attacks.find((a) => a.id === "shell-tty") as Record<string, unknown>;
    shell.decode = "base64";
    const p2 = catalogueProblems(doc2, rules).join("\n");
    expect(p2).toMatch(/ATT&CK technique T9999 is not in harness\/attack\/mitre.ts/);
    expect(p2).toMatch(/shell-tty: decodes a credential but names no target/);
  });

  it("gives every v2 entry a reason, and every blind spot its control, reason and upstream source", () => {
    const v2 = ["exec-a-spoof", "proc-self-root", "proc-1-root", "cp-stdout", "tar-mount", "base64", "od", "grep", "cut", "perl", "python-mmap", "python-sendfile", "io-uring"];
    for (const id of v2) expect(catalogue.attacks.find((a) => a.id === id)?.reason, id).toMatch(/\S/);
    const spots = catalogue.attacks.filter((a) => a.blindSpot);
    expect(spots.map((a) => a.id)).toContain("io-uring");
    for (const a of spots) expect(a.blindSpot?.source, a.id).toMatch(/\d|#/);
  });
});
