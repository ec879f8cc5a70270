import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { CLAIM_IDS, type ClaimId } from "../claims/verdict.ts";
import { BLIND_SPOT_SCHEMA, type BlindSpot } from "./blind-spots.ts";
import { MITRE_ID, mitreProblems } from "./mitre.ts";
import { DECODINGS, type Decoding } from "./decode-output.ts";

/** One alert an attempt must raise: the rule, and the process that raises it. */
export interface ExpectedAlert {
  rule: string;
  /** proc.cmdline, compared whitespace-normalised. */
  cmdline: string;
  /** proc.pname, when the reader is a child of a known process. */
  pname?: string;
  /** fd.name (file rules). */
  file?: string;
}

export interface FalcoExpectation {
  fires: ExpectedAlert[];
  /** Rules that must not fire for the attempt. */
  silent: string[];
}

export type StdoutExpectation = "credential" | "empty" | "terminal" | "any";

export interface Outcome {
  exitCode: number;
  stdout: StdoutExpectation;
}

export interface EnforcedOutcome extends Outcome {
  tetragon: "kill" | "spare";
}

export interface AttackOverride {
  falco?: FalcoExpectation;
  detection?: Outcome;
  enforcement?: EnforcedOutcome;
}

export interface Attack {
  id: string;
  source: string;
  command: string[];
  stdin?: string;
  tty?: boolean;
  /** The credential file the command reads; its output is a live credential. */
  target?: string;
  claims: ClaimId[];
  /** MITRE ATT&CK technique ids (harness/attack/mitre.ts names them); the catalogue file must give them. */
  mitre?: string[];
  /** Why the declared outcomes are what they are, with upstream evidence where they rest on it. */
  reason?: string;
  /** A control that by design misses this entry; the declared outcome is still judged. */
  blindSpot?: BlindSpot;
  /** How stdout encodes the credential (base64, hex bytes, a tar archive); absent: stdout is the credential. */
  decode?: Decoding;
  falco: FalcoExpectation;
  detection: Outcome;
  enforcement: EnforcedOutcome;
  when?: Record<string, AttackOverride>;
}

export interface Catalogue {
  environment: Record<string, string>;
  attacks: Attack[];
}

const alert = {
  type: "object",
  additionalProperties: false,
  required: ["rule", "cmdline"],
  properties: {
    rule: { type: "string", minLength: 1 },
    cmdline: { type: "string", minLength: 1 },
    pname: { type: "string", minLength: 1 },
    file: { type: "string", pattern: "^/" },
  },
};
const falco = {
  type: "object",
  additionalProperties: false,
  required: ["fires", "silent"],
  properties: { fires: { type: "array", items: alert }, silent: { type: "array", items: { type: "string" } } },
};
const stdout = { enum: ["credential", "empty", "terminal", "any"] };
const exitCode = { type: "integer", minimum: 0, maximum: 255 };
const outcome = {
  type: "object",
  additionalProperties: false,
  required: ["exitCode", "stdout"],
  properties: { exitCode, stdout },
};
const enforced = {
  type: "object",
  additionalProperties: false,
  required: ["exitCode", "stdout", "tetragon"],
  properties: { exitCode, stdout, tetragon: { enum: ["kill", "spare"] } },
};
const SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["environment", "attacks"],
  properties: {
    environment: { type: "object", additionalProperties: { type: "string" } },
    attacks: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "source", "command", "claims", "mitre", "falco", "detection", "enforcement"],
        properties: {
          id: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$" },
          source: { type: "string", minLength: 1 },
          command: { type: "array", minItems: 1, items: { type: "string" } },
          stdin: { type: "string" },
          tty: { type: "boolean" },
          target: { type: "string", pattern: "^/mnt/secrets/" },
          claims: { type: "array", minItems: 1, items: { type: "string" } },
          mitre: { type: "array", minItems: 1, items: { type: "string", pattern: MITRE_ID } },
          reason: { type: "string", minLength: 1 },
          blindSpot: BLIND_SPOT_SCHEMA,
          decode: { enum: DECODINGS },
          falco,
          detection: outcome,
          enforcement: enforced,
          when: {
            type: "object",
            additionalProperties: {
              type: "object",
              additionalProperties: false,
              properties: { falco, detection: outcome, enforcement: enforced },
            },
          },
        },
      },
    },
  },
};

export const CATALOGUE_PATH = new URL("../../fixtures/attacks/catalogue.yaml", import.meta.url);

/** Structural and cross-field problems of a parsed catalogue (empty when valid). */
export function catalogueProblems(doc: unknown, knownRules: ReadonlySet<string>): string[] {
  const validate = new Ajv({ allErrors: true }).compile(SCHEMA);
  if (!validate(doc)) return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "invalid"}`);
  const cat = doc as unknown as Catalogue;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const a of cat.attacks) {
    if (seen.has(a.id)) problems.push(`${a.id}: duplicate id`);
    seen.add(a.id);
    problems.push(...mitreProblems(a.id, a.mitre ?? []));
    if (a.decode && !a.target) problems.push(`${a.id}: decodes a credential but names no target`);
    for (const c of a.claims) if (!(CLAIM_IDS as readonly string[]).includes(c)) problems.push(`${a.id}: unknown claim ${c}`);
    const falcos = [a.falco, ...Object.values(a.when ?? {}).map((o) => o.falco)].filter((f) => f !== undefined);
    for (const f of falcos) {
      for (const r of [...f.fires.map((x) => x.rule), ...f.silent]) {
        if (!knownRules.has(r)) problems.push(`${a.id}: Falco rule ${JSON.stringify(r)} is not in fixtures/falco`);
      }
    }
    for (const cond of Object.keys(a.when ?? {})) {
      if (!(cond in cat.environment)) problems.push(`${a.id}: condition ${cond} is not declared under environment`);
    }
    if (a.detection.stdout === "credential" && !a.target) problems.push(`${a.id}: reads a credential but names no target`);
    if (a.tty && a.detection.stdout !== "terminal") problems.push(`${a.id}: a tty entry must prove its terminal`);
    if (a.enforcement.tetragon === "kill" && a.enforcement.exitCode !== 137) problems.push(`${a.id}: a kill exits 137`);
  }
  return problems;
}

/** Loads and validates the catalogue; throws listing every problem. */
export function loadCatalogue(knownRules: ReadonlySet<string>, path: URL | string = CATALOGUE_PATH): Catalogue {
  const doc: unknown = parse(readFileSync(path, "utf8"));
  const problems = catalogueProblems(doc, knownRules);
  if (problems.length) throw new Error(`attack catalogue ${String(path)} is invalid:\n  ${problems.join("\n  ")}`);
  return doc as Catalogue;
}

/** Environment facts observed in the pod; each names a catalogue condition that holds. */
export type Environment = ReadonlySet<string>;

/** The attack's expectations with the overrides of every condition that holds applied. */
export function resolveAttack(a: Attack, env: Environment): Attack {
  let out: Attack = a;
  for (const [cond, o] of Object.entries(a.when ?? {})) {
    if (env.has(cond)) out = { ...out, ...o };
  }
  return out;
}
