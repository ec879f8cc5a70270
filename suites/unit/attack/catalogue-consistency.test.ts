import { describe, expect, it } from "vitest";
import { loadCatalogue, type Attack } from "../../../harness/attack/catalogue.ts";
import { killingHooks, type PolicySpec } from "../../../harness/attack/policy-reach.ts";
import { conditionHolds, type Facts } from "../../../harness/attack/rule-reach.ts";
import { loadRulesFile, ruleNames } from "../../../harness/falco/rules-file.ts";
import { loadPolicy } from "../../../harness/tetragon/policy.ts";

const catalogue = loadCatalogue(ruleNames());
const rules = loadRulesFile();
const macros = new Map(rules.macros.map((m) => [m.macro, m.condition]));
const condition = (name: string) => rules.rules.find((r) => r.rule === name)?.condition ?? "";
const policy = loadPolicy() as unknown as PolicySpec;
const READ = "SecretProof - Secret File Read";
/** A CSI atomic-writer generation directory: the path the kernel resolves every spelling of the target to. */
const GENERATION = "/mnt/secrets/..2026_12_01_10_00_00.123456789";
const resolved = (target: string) => `${GENERATION}/${target.split("/").pop() ?? ""}`;

/** What Falco sees of an exec'd reader: comm (the executable's basename), its command line, not PID 1, the app's namespace. */
function readerFacts(cmdline: string, file: string | undefined): Facts {
  const comm = (cmdline.split(" ")[0] ?? "").split("/").pop() ?? "";
  return { "proc.name": comm, "proc.cmdline": cmdline, "proc.vpid": 42, "k8s.ns.name": "test-dynamic", ...(file ? { "fd.name": file } : {}) };
}
const alertFile = (a: Attack, file: string | undefined) => file ?? (a.target ? resolved(a.target) : undefined);

describe("every catalogue entry's Falco expectations are reachable by the rules", () => {
  it.each(catalogue.attacks.map((a) => [a.id, a] as const))("%s: each rule it expects can match its process and file, and READ's path test holds", (_id, a) => {
    for (const f of a.falco.fires) {
      const facts = readerFacts(f.cmdline, alertFile(a, f.file));
      expect(conditionHolds(condition(f.rule), facts, macros), `${f.rule} for ${f.cmdline}`).not.toBe(false);
      if (f.rule === READ) expect(conditionHolds("secretproof_secret_path", facts, macros), `fd.name ${String(facts["fd.name"])}`).toBe(true);
    }
  });

  it.each(catalogue.attacks.map((a) => [a.id, a] as const))("%s: no rule it declares silent is bound to match its readers", (_id, a) => {
    const procs = a.falco.fires.length ? a.falco.fires.map((f) => readerFacts(f.cmdline, alertFile(a, f.file))) : [readerFacts(a.command.join(" "), undefined)];
    for (const rule of a.falco.silent) for (const facts of procs) expect(conditionHolds(condition(rule), facts, macros), `${rule} for ${String(facts["proc.cmdline"])}`).not.toBe(true);
  });

  it("leaves the app (PID 1, python app.py) out of READ, and a spoofed command line from another PID in", () => {
    const app = { ...readerFacts("python app.py", resolved("/mnt/secrets/db-password")), "proc.vpid": 1 };
    expect(conditionHolds(condition(READ), app, macros)).toBe(false);
    expect(conditionHolds(condition(READ), { ...app, "proc.vpid": 7 }, macros)).not.toBe(false);
  });

  it("matches the secrets mount under any /proc/<pid>/root, and nothing else under /proc or /mnt", () => {
    const path = (p: string) => conditionHolds("secretproof_secret_path", { "fd.name": p }, macros);
    expect(path("/proc/self/root/mnt/secrets/db-password")).toBe(true);
    expect(path("/proc/1/task/1/root/mnt/secrets/db-password")).toBe(true);
    expect(path("/proc/1/environ")).toBe(false);
    expect(path("/mnt/secretsx/db-password")).toBe(false);
  });
});

describe("every kill the catalogue declares is covered by the TracingPolicy", () => {
  const kills = catalogue.attacks.filter((a) => a.enforcement.tetragon === "kill");

  it.each(kills.map((a) => [a.id, a] as const))("%s: security_file_open's resolved path, binary and namespace PID fall in a Sigkill selector", (_id, a) => {
    const comm = (a.falco.fires[0]?.cmdline ?? a.command[0] ?? "").split(" ")[0] ?? "";
    expect(a.target, "a killed entry names the file it opens").toBeDefined();
    expect(killingHooks(policy, { path: resolved(a.target ?? ""), binary: `/usr/bin/${comm}`, nsPid: 42 })).toEqual(["security_file_open"]);
  });

  it("spares the app's own open as PID 1, and an open outside the mount", () => {
    expect(killingHooks(policy, { path: resolved("/mnt/secrets/db-password"), binary: "/usr/local/bin/python3.12", nsPid: 1 })).toEqual([]);
    expect(killingHooks(policy, { path: "/etc/passwd", binary: "/usr/bin/cat", nsPid: 42 })).toEqual([]);
  });

  it("covers the io_uring open too: what spares that entry is seccomp, as its reason says", () => {
    const io = catalogue.attacks.find((a) => a.id === "io-uring");
    expect(io?.enforcement.tetragon).toBe("spare");
    expect(killingHooks(policy, { path: resolved(io?.target ?? ""), binary: "/usr/local/bin/uring-read", nsPid: 42 })).toEqual(["security_file_open"]);
    expect(io?.reason).toMatch(/RuntimeDefault/);
  });
});
