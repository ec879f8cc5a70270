import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { Command } from "commander";
import { RUN_JSON, type RunRecord } from "../evidence/recorder.ts";
import { parseRunRecord } from "../report/run-record.ts";
import { findMutation, loadMutationCatalogue } from "./catalogue.ts";
import { MUTATION_ENV } from "./env.ts";
import { killMatrix, killMatrixMarkdown, killMatrixOk } from "./kill-matrix.ts";

/** Checks the name against the catalogue and makes it the mutation every later step (cluster name, up, npm test) works under. */
export function useMutation(name: string | undefined): void {
  if (name === undefined) return;
  findMutation(loadMutationCatalogue(), name);
  process.env[MUTATION_ENV] = name;
}

async function readRun(path: string): Promise<RunRecord> {
  const file = path.endsWith(".json") ? path : join(path, RUN_JSON);
  try {
    return parseRunRecord(await readFile(file, "utf8"), file);
  } catch (err) {
    throw new Error(`cannot read the run record ${file}`, { cause: err });
  }
}

/** Exit 0 when every given run had its mutation's declared outcome and every mutation of the catalogue ran (`--all`), else 1. */
async function matrixAction(paths: string[], opts: { only?: boolean }): Promise<void> {
  const cat = loadMutationCatalogue();
  const runs = await Promise.all(paths.map(readRun));
  const names = new Set(runs.map((r) => r.mutation?.name));
  const rows = killMatrix(opts.only ? { mutations: cat.mutations.filter((m) => names.has(m.name)) } : cat, runs);
  process.stdout.write(killMatrixMarkdown(rows));
  process.exitCode = killMatrixOk(rows) && rows.length > 0 ? 0 : 1;
}

/** `secretproof mutations …`: the catalogue and the kill matrix of mutated runs. */
export function registerMutationCommands(program: Command): void {
  const cmd = program.command("mutations").description("the mutation catalogue (fixtures/mutations.yaml) and the outcome of runs under it");
  cmd
    .command("list")
    .description("each mutation, the claims it must fail, and why it is a realistic mistake")
    .action(() => {
      for (const m of loadMutationCatalogue().mutations) process.stdout.write(`${m.name}: fails ${m.fail.join(", ")}\n  ${m.why}\n`);
    });
  cmd
    .command("matrix")
    .description("the kill matrix (mutation × claim: caught, missed, collateral) from run directories or run.json files; exit 1 on any miss, collateral failure or mutation without a run")
    .argument("<runs...>", "run directories or run.json files")
    .option("--only", "judge only the mutations the given runs recorded (one matrix leg), not the whole catalogue")
    .action(matrixAction);
}
