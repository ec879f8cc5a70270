import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import {
  FIELDS_PATH,
  PRIORITIES,
  UPSTREAM_MACROS_PATH,
  conditionSymbols,
  loadRulesFile,
  outputFields,
} from "../../../harness/falco/rules-file.ts";
import { versions } from "../../../clusters/versions.ts";
import { loadUpstreamRules, oursLoaded } from "../../../harness/falco/shadowing.ts";

const rules = loadRulesFile();
const fieldsDoc = parse(readFileSync(FIELDS_PATH, "utf8")) as { fields: Record<string, { source: string }> };
const validFields = new Set(Object.keys(fieldsDoc.fields));
const upstream = parse(readFileSync(UPSTREAM_MACROS_PATH, "utf8")) as { ref: string; macros: Record<string, unknown> };
const knownMacros = new Set([...Object.keys(upstream.macros), ...rules.macros.map((m) => m.macro)]);

/** What every alert must carry so an incident responder can act on it. */
const REQUIRED_OUTPUT = [
  "user.name",
  "proc.name",
  "proc.cmdline",
  "k8s.pod.name",
  "k8s.ns.name",
  "container.image.repository",
  "container.id",
];

describe("secretproof Falco rules", () => {
  it("parse as a Falco rules list with the article's five rules and no stray items", () => {
    expect(rules.other).toEqual([]);
    const tags = rules.rules.map((r) => /\[([A-Z-]+)\]/.exec(r.output)?.[1]);
    for (const t of ["READ", "SHELL", "EXFIL", "MEM", "TAMPER"]) expect(tags).toContain(t);
    expect(new Set(rules.rules.map((r) => r.rule)).size).toBe(rules.rules.length);
  });

  it("cite the falco-rules version the cluster pins", () => {
    expect(versions.falco.rulesRef).toBe(upstream.ref);
  });

  it.each(rules.rules.map((r) => [r.rule, r] as const))("%s uses only macros that exist upstream or here", (_n, r) => {
    const unknown = conditionSymbols(r.condition).macros.filter((m) => !knownMacros.has(m));
    expect(unknown).toEqual([]);
  });

  it("every macro of ours uses only known fields and macros", () => {
    for (const m of rules.macros) {
      const s = conditionSymbols(m.condition);
      expect(s.fields.filter((f) => !validFields.has(f)), m.macro).toEqual([]);
      expect(s.macros.filter((x) => !knownMacros.has(x)), m.macro).toEqual([]);
    }
  });

  it.each(rules.rules.map((r) => [r.rule, r] as const))("%s uses only fields valid in Falco 0.44 + container plugin", (_n, r) => {
    const used = [...conditionSymbols(r.condition).fields, ...outputFields(r.output)];
    expect(used.filter((f) => !validFields.has(f))).toEqual([]);
  });

  it.each(rules.rules.map((r) => [r.rule, r] as const))("%s has a valid priority and an actionable output", (_n, r) => {
    expect(PRIORITIES).toContain(r.priority.toLowerCase());
    const fields = outputFields(r.output);
    for (const f of REQUIRED_OUTPUT) expect(fields, f).toContain(f);
    expect(fields.includes("fd.name") || fields.includes("proc.exepath"), "file").toBe(true);
  });

  it.each(oursLoaded(rules, loadUpstreamRules()).map((r) => [r.rule, r] as const))("%s is indexed under a few named event types, not all", (_n, r) => {
    expect("only" in r.types && r.types.only.size > 0).toBe(true);
  });

  it("spares the app only as PID 1 of its container, never by binary name alone", () => {
    const app = rules.macros.find((m) => m.macro === "secretproof_app_process");
    expect(app?.condition).toMatch(/proc\.vpid\s*=\s*1/);
    const read = rules.rules.find((r) => r.rule === "SecretProof - Secret File Read");
    expect(read?.condition).toContain("not secretproof_app_process");
    expect(read?.condition).not.toMatch(/proc\.name/);
  });

  it("alerts on failed opens only through open_file_failed, so refused MEM/TAMPER attempts are seen", () => {
    const failed = rules.rules.filter((r) => conditionSymbols(r.condition).macros.includes("open_file_failed"));
    expect(failed.map((r) => r.rule).sort()).toEqual([
      "SecretProof - Process Memory Open Refused",
      "SecretProof - Secret Mount Write Refused",
    ]);
  });
});

describe("condition symbol extraction", () => {
  it("separates fields, macros, operators and values", () => {
    const s = conditionSymbols(
      'open_read and fd.name startswith "/mnt/secrets/" and not proc.name in (python3, python) and proc.tty != 0 and evt.res startswith E and fd.name glob "/proc/*/mem" and proc.aname[2] exists',
    );
    expect(s.macros).toEqual(["open_read"]);
    expect(s.fields.sort()).toEqual(["evt.res", "fd.name", "proc.aname", "proc.name", "proc.tty"]);
  });

  it("catches a misspelled macro or field", () => {
    expect(conditionSymbols("open_reed and container").macros).toContain("open_reed");
    expect(conditionSymbols("proc.cmdlin = x").fields).toEqual(["proc.cmdlin"]);
  });
});
