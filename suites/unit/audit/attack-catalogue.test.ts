import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { catalogueAt } from "../../../harness/attack/catalogue-paths.ts";
import { resolveAttack } from "../../../harness/attack/catalogue.ts";
import { catalogueTools } from "../../../harness/attack/image-tools.ts";
import { loadAttackMatrix } from "../../../harness/attack/matrix-catalogue.ts";
import { auditCatalogue, passwordFileOf, toolLookupScript, toolsFound, writesUnder } from "../../../harness/audit/attack-catalogue.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import { parseTarget, type AuditTarget } from "../../../harness/audit/target.ts";
import { catalogueDifferences, resolveCatalogue } from "../../../harness/report/expectations.ts";

const { catalogue } = loadAttackMatrix();
const all = new Set(catalogueTools(catalogue.attacks));
const example = parseTarget(await readFile(join(import.meta.dirname, "../../../fixtures/audit/target.example.yaml"), "utf8"), "example");
const elsewhere: AuditTarget = { ...example, secrets: { mountPath: "/var/run/creds", files: ["pg-user", "pg-pass"], passwordFile: "pg-pass" } };
const byId = (xs: { id: string }[], id: string) => xs.find((a) => a.id === id) as (typeof catalogue.attacks)[number];

describe("the attack catalogue on an audit target's mount and file", () => {
  it("on the kind stack's paths every entry is the catalogue's own, and only the write is left unrun", () => {
    const cat = auditCatalogue(catalogue.attacks, kindTarget("x"), "db-password", all);
    expect(cat.attacks).toEqual(catalogue.attacks);
    expect(cat.notRun).toEqual({ "tamper-write": "it writes under /mnt/secrets, and an audit never writes to the workload's files" });
  });

  it("commands, stdin, targets and the expected alerts move to the target's mount and file, dot-segment and relative forms included", () => {
    const cat = auditCatalogue(catalogue.attacks, elsewhere, "pg-pass", all);
    expect(byId(cat.attacks, "cat").command).toEqual(["cat", "/var/run/creds/pg-pass"]);
    expect(byId(cat.attacks, "cat").target).toBe("/var/run/creds/pg-pass");
    expect(byId(cat.attacks, "cat").falco.fires[0]).toMatchObject({ cmdline: "cat /var/run/creds/pg-pass", file: "/var/run/creds/pg-pass" });
    expect(byId(cat.attacks, "dot-segments").command).toEqual(["cat", "/var/run/./creds//pg-pass"]);
    expect(byId(cat.attacks, "relative-path").command).toEqual(["sh", "-c", "cd /var/run/creds && cat pg-pass"]);
    expect(byId(cat.attacks, "proc-self-root").command).toEqual(["cat", "/proc/self/root/var/run/creds/pg-pass"]);
    const text = JSON.stringify(cat.attacks.map((a) => [a.command, a.stdin, a.target, a.falco, a.when]));
    expect(text).not.toContain("/mnt/secrets");
    expect(text).not.toContain("db-password");
    expect(cat.notRun["tamper-write"]).toBe("it writes under /var/run/creds, and an audit never writes to the workload's files");
  });

  it("an entry whose binary the image lacks is not run, naming the binary; an unknown image leaves every entry unrun with why", () => {
    const noPerl = new Set([...all].filter((t) => t !== "perl" && t !== "uring-read"));
    const cat = auditCatalogue(catalogue.attacks, example, "db-password", noPerl);
    expect(cat.notRun.perl).toBe("the workload image has no perl");
    expect(cat.notRun["io-uring"]).toBe("the workload image has no uring-read");
    expect(cat.notRun.cat).toBeUndefined();
    const unknown = auditCatalogue(catalogue.attacks, example, "db-password", { unknown: "sh -c failed: executable file not found" });
    expect(Object.keys(unknown.notRun).sort()).toEqual(catalogue.attacks.map((a) => a.id).sort());
    expect(unknown.notRun.cat).toBe("the image's binaries could not be looked up: sh -c failed: executable file not found");
  });

  it("a verifier reading the recorded catalogue on its paths finds no difference from its own, and a rewrite is still found", () => {
    const env = { ptraceScope: "1", conditions: [] };
    const cat = auditCatalogue(catalogue.attacks, elsewhere, "pg-pass", all);
    const paths = { mountPath: "/var/run/creds", passwordFile: "pg-pass" };
    const recorded = { environment: env, attacks: cat.attacks.map((a) => resolveAttack(a, new Set())), notRun: cat.notRun, paths };
    expect(catalogueDifferences(recorded, resolveCatalogue(catalogue.attacks, env, recorded), "detection/catalogue.json")).toEqual([]);
    expect(catalogueDifferences(recorded, resolveCatalogue(catalogue.attacks, env), "detection/catalogue.json")).toContain("detection/catalogue.json rewrites cat: its expectations are not this verifier's attack catalogue's");
    expect(catalogueAt(catalogue.attacks, undefined)).toEqual(catalogue.attacks);
  });

  it("a write is a shell redirect into the mount; a read from it is not", () => {
    expect(writesUnder({ command: ["sh", "-c", "echo x > /srv/m/f"] }, "/srv/m")).toBe(true);
    expect(writesUnder({ command: ["sh"], stdin: "echo x >>/srv/m/f\n" }, "/srv/m")).toBe(true);
    expect(writesUnder({ command: ["sh", "-c", "cat /srv/m/f > /dev/null"] }, "/srv/m")).toBe(false);
    expect(writesUnder({ command: ["sh", "-c", 'read -r x < /srv/m/f; echo "$x"'] }, "/srv/m")).toBe(false);
  });

  it("the password file is passwordFile when listed, else db-password when listed, else unknown", () => {
    expect(passwordFileOf(elsewhere)).toBe("pg-pass");
    expect(passwordFileOf({ ...elsewhere, secrets: { ...elsewhere.secrets, passwordFile: "other" } })).toBeUndefined();
    expect(passwordFileOf(kindTarget("x"))).toBe("db-password");
    expect(passwordFileOf({ ...example, secrets: { mountPath: "/m", files: ["token"] } })).toBeUndefined();
  });

  it("the image lookup is one POSIX sh script over plain binary names, and only names asked for count", () => {
    expect(toolLookupScript(["cat", "python3"])).toBe('for t in cat python3; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done; exit 0');
    expect(() => toolLookupScript(["cat; rm -rf /"])).toThrow('not a binary name: "cat; rm -rf /"');
    expect([...toolsFound("cat\npython3\nnc\n", ["cat", "perl", "python3"])]).toEqual(["cat", "python3"]);
  });
});
