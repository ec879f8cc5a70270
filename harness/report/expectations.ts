import { createHash } from "node:crypto";
import { resolveAttack, type Attack, type Catalogue } from "../attack/catalogue.ts";
import { catalogueAt } from "../attack/catalogue-paths.ts";
import type { RunCatalogue } from "../claims/detection/judge.ts";
import type { RunExpectations } from "../evidence/recorder.ts";

/** What parametrizes the judges, each as a sha256 digest; run.json records them as `expectations`. */
export type ExpectationDigests = RunExpectations;

export const DIGEST_NAMES = {
  catalogue: { what: "attack catalogue", option: "--catalogue FILE" },
  falcoRules: { what: "Falco rules", option: undefined },
  tetragonPolicy: { what: "Tetragon policy", option: undefined },
  profile: { what: "profile", option: "--profile FILE" },
  claims: { what: "claim list", option: undefined },
} as const;
export type DigestName = keyof typeof DIGEST_NAMES;

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function sha256(data: string | Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

export const shortDigest = (d: string): string => `sha256 ${d.slice(0, 12)}…`;

/** Where the digests come from, already loaded. */
export interface ExpectationSources {
  catalogue: Catalogue;
  falcoRules: string | Buffer;
  tetragonPolicy: string | Buffer;
  profile: unknown;
  claims: unknown;
}

export function expectationDigests(s: ExpectationSources): Omit<ExpectationDigests, "commit"> {
  return {
    catalogue: sha256(canonicalJson(s.catalogue)),
    falcoRules: sha256(s.falcoRules),
    tetragonPolicy: sha256(s.tetragonPolicy),
    profile: sha256(canonicalJson(s.profile)),
    claims: sha256(canonicalJson(s.claims)),
  };
}

/** Which secretproof to verify with instead: the commit the bundle records, if it names one that can be checked out. */
function checkoutHint(commit: string | undefined): string {
  if (!commit) return "";
  if (commit.endsWith("-dirty")) return `check out ${commit.slice(0, -"-dirty".length)} of secretproof and verify again (the run's work tree had uncommitted changes on it, so even that may differ)`;
  return `check out ${commit} of secretproof and verify again`;
}

/** Each digest the bundle records that is not the verifier's, in words; a bundle without digests is refused. */
export function digestProblems(recorded: Partial<ExpectationDigests> | undefined, own: Omit<ExpectationDigests, "commit">): string[] {
  if (!recorded) return ["the bundle records no expectations digests: made by an older secretproof or edited"];
  const out: string[] = [];
  for (const [name, { what, option }] of Object.entries(DIGEST_NAMES) as [DigestName, (typeof DIGEST_NAMES)[DigestName]][]) {
    const theirs = recorded[name];
    if (theirs === own[name]) continue;
    const was = typeof theirs === "string" ? shortDigest(theirs) : "no digest";
    const hint = [option ? `pass ${option} to verify against a custom one` : "", checkoutHint(recorded.commit)].filter(Boolean).join(", or ");
    out.push(`the bundle's ${what} (${was}) is not this verifier's (${shortDigest(own[name])})${hint ? `: ${hint}` : ""}`);
  }
  return out;
}

/**
 * The verifier's attacks, each resolved with the conditions the run observed
 * and on the paths it ran them on, with the entries it did not run and why
 * (observations, not expectations).
 */
export function resolveCatalogue(own: readonly Attack[], environment: RunCatalogue["environment"], observed: Pick<RunCatalogue, "paths" | "notRun"> = {}): RunCatalogue {
  const env = new Set(environment.conditions);
  const extra = { ...(observed.paths ? { paths: observed.paths } : {}), ...(observed.notRun ? { notRun: observed.notRun } : {}) };
  return { environment, attacks: catalogueAt(own, observed.paths).map((a) => resolveAttack(a, env)), ...extra };
}

/** How a bundle's recorded catalogue differs from the verifier's resolved one: missing, extra, or rewritten entries. */
export function catalogueDifferences(recorded: RunCatalogue, expected: RunCatalogue, path: string): string[] {
  const theirs = new Map(recorded.attacks.map((a) => [a.id, canonicalJson(a)]));
  const ours = new Map(expected.attacks.map((a) => [a.id, canonicalJson(a)]));
  const out: string[] = [];
  for (const [id, text] of ours) {
    if (!theirs.has(id)) out.push(`${path} lacks ${id}, an entry of this verifier's attack catalogue`);
    else if (theirs.get(id) !== text) out.push(`${path} rewrites ${id}: its expectations are not this verifier's attack catalogue's`);
  }
  for (const id of theirs.keys()) if (!ours.has(id)) out.push(`${path} holds ${id}, which this verifier's attack catalogue does not`);
  return out;
}

/** run.json's profile must be the one its digest records: the report shows it and the verifier judges by the digest. */
export function recordedProfileProblem(profile: unknown, recorded: Partial<ExpectationDigests> | undefined): string | undefined {
  if (!recorded?.profile || sha256(canonicalJson(profile)) === recorded.profile) return undefined;
  return `run.json's profile (${shortDigest(sha256(canonicalJson(profile)))}) is not the profile its expectations record (${shortDigest(recorded.profile)})`;
}
