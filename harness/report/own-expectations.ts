import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { loadCatalogue, type Catalogue } from "../attack/catalogue.ts";
import { CLAIM_IDS } from "../claims/verdict.ts";
import { jsonPriority, loadRulesFile, RULES_PATH } from "../falco/rules-file.ts";
import { PROFILES, type Profile } from "../profile.ts";
import { POLICY_PATH } from "../tetragon/policy.ts";
import { CLAIM_TITLES } from "./claim-titles.ts";
import { canonicalJson, expectationDigests, sha256, shortDigest, type ExpectationDigests } from "./expectations.ts";

/** Files that replace this secretproof's own expectations: `verify --catalogue FILE --profile FILE`. */
export interface CustomExpectations {
  catalogueFile?: string;
  profileFile?: string;
}

/** What the verifier expects: digests to compare, and the catalogue and priorities it judges with. */
export interface VerifierExpectations {
  digests: Omit<ExpectationDigests, "commit">;
  catalogue: Catalogue;
  priorities: Record<string, string>;
  /** One line per custom file in use, e.g. "custom catalogue (sha256 ab12…) from FILE". */
  custom: string[];
  /** Why an expectation could not be formed (e.g. a profile name this secretproof does not know). */
  problems: string[];
}

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** A text file's bytes with CRLF line ends read as LF: a checkout with autocrlf (Git for Windows) verifies the same bundle. */
export function textDigestInput(path: URL | string): Buffer {
  return Buffer.from(readFileSync(path, "utf8").replaceAll("\r\n", "\n"), "utf8");
}
const claimList = () => CLAIM_IDS.map((id) => [id, CLAIM_TITLES[id]]);

function readProfileFile(path: string): unknown {
  try {
    return parse(readFileSync(path, "utf8")) as unknown;
  } catch (err) {
    throw new Error(`--profile ${path} is not a readable YAML or JSON profile: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
}

/** This secretproof's expectations for a run that named `profileName`, custom files replacing its own. */
export function verifierExpectations(profileName: string | undefined, custom: CustomExpectations = {}): VerifierExpectations {
  const rules = loadRulesFile();
  const priorities = Object.fromEntries(rules.rules.map((r) => [r.rule, jsonPriority(r.priority)]));
  const catalogue = loadCatalogue(new Set(Object.keys(priorities)), custom.catalogueFile);
  const problems: string[] = [];
  let profile: unknown = custom.profileFile ? readProfileFile(custom.profileFile) : PROFILES[profileName as keyof typeof PROFILES];
  if (profile === undefined) {
    problems.push(`the bundle's profile ${JSON.stringify(profileName)} is not one this verifier knows (${Object.keys(PROFILES).join(", ")}): pass --profile FILE to verify against a custom one`);
    profile = null;
  }
  const digests = expectationDigests({
    catalogue,
    falcoRules: textDigestInput(RULES_PATH),
    tetragonPolicy: textDigestInput(POLICY_PATH),
    profile,
    claims: claimList(),
  });
  const lines: string[] = [];
  if (custom.catalogueFile) lines.push(`custom catalogue (${shortDigest(digests.catalogue)}) from ${custom.catalogueFile}`);
  if (custom.profileFile) lines.push(`custom profile (${shortDigest(digests.profile)}) from ${custom.profileFile}`);
  return { digests, catalogue, priorities, custom: lines, problems };
}


/**
 * The suite's git commit, `<sha>-dirty` when tracked files differ from it
 * (untracked files are not counted, as `git describe --dirty` does not), and
 * undefined (unknown) when the suite is not in a git checkout.
 */
export function suiteCommit(cwd: string = REPO_ROOT): string | undefined {
  const git = (args: string[]) => execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  let head: string;
  try {
    head = git(["rev-parse", "HEAD"]);
  } catch {
    return undefined;
  }
  const dirty = git(["status", "--porcelain", "--untracked-files=no"]) !== "";
  return dirty ? `${head}-dirty` : head;
}

/** The digests a new run records in run.json, with the suite's commit. */
export function runExpectations(profile: Profile): ExpectationDigests {
  const { digests } = verifierExpectations(profile.name);
  const commit = suiteCommit();
  return { ...digests, profile: sha256(canonicalJson(profile)), ...(commit ? { commit } : {}) };
}
