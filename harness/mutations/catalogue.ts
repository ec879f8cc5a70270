import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import { parse } from "yaml";
import { CLAIM_IDS } from "../claims/verdict.ts";
import { MUTATION_CATALOGUE_SCHEMA, type Mutation, type MutationCatalogue } from "./schema.ts";

export const MUTATIONS_PATH = new URL("../../fixtures/mutations.yaml", import.meta.url);

/** Structural problems, then the claim partition of each entry: fail and pass disjoint and together every claim. */
export function mutationCatalogueProblems(doc: unknown): string[] {
  const validate = new Ajv({ allErrors: true, strict: false }).compile(MUTATION_CATALOGUE_SCHEMA);
  if (!validate(doc)) return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "invalid"}`);
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const m of (doc as MutationCatalogue).mutations) {
    if (seen.has(m.name)) problems.push(`${m.name}: duplicate name`);
    seen.add(m.name);
    const both = m.fail.filter((c) => m.pass.includes(c));
    if (both.length) problems.push(`${m.name}: ${both.join(", ")} both in fail and pass`);
    const missing = CLAIM_IDS.filter((c) => !m.fail.includes(c) && !m.pass.includes(c));
    if (missing.length) problems.push(`${m.name}: ${missing.join(", ")} neither in fail nor in pass`);
  }
  return problems;
}

/** Parses and checks a catalogue; the error names the file and every problem. */
export function parseMutationCatalogue(text: string, where: string): MutationCatalogue {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    throw new Error(`${where} is not YAML`, { cause: err });
  }
  const problems = mutationCatalogueProblems(doc);
  if (problems.length) throw new Error(`${where} is not a valid mutation catalogue:\n  ${problems.join("\n  ")}`);
  return doc as MutationCatalogue;
}

export function loadMutationCatalogue(path: URL = MUTATIONS_PATH): MutationCatalogue {
  return parseMutationCatalogue(readFileSync(path, "utf8"), "fixtures/mutations.yaml");
}

/** The named mutation, or an error listing the names there are. */
export function findMutation(cat: MutationCatalogue, name: string): Mutation {
  const m = cat.mutations.find((x) => x.name === name);
  if (!m) throw new Error(`no mutation ${JSON.stringify(name)} in fixtures/mutations.yaml; there are: ${cat.mutations.map((x) => x.name).join(", ")}`);
  return m;
}
