import { randomBytes } from "node:crypto";
import { appendFile, mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, resolve } from "node:path";
import type { ClaimId, Verdict, VerdictValue } from "../claims/verdict.ts";
import { collectEnvironment } from "./environment.ts";
import { MANIFEST, buildManifest } from "./manifest.ts";
import type { RunMemory } from "./node-memory.ts";
import { redactor as defaultRedactor, type Redactor } from "./redact.ts";

export const RUN_JSON = "run.json";
export const RUN_SCHEMA_VERSION = 1;

export interface StepTiming {
  name: string;
  startedAt: string;
  durationMs: number;
  ok: boolean;
  error?: string;
  /** What it waited for: the names of the steps or suites that had to end before it started (harness/perf/run-graph.ts). */
  deps?: string[];
}

/** sha256 digests of what parametrizes the judges, as the run's secretproof had them (harness/report/expectations.ts). */
export interface RunExpectations {
  /** The attack catalogue as loaded (canonical JSON). */
  catalogue: string;
  /** The Falco rules file, as bytes. */
  falcoRules: string;
  /** The Tetragon policy file, as bytes. */
  tetragonPolicy: string;
  /** The profile the run used (canonical JSON). */
  profile: string;
  /** The claim list: ids and titles (canonical JSON). */
  claims: string;
  /** The git commit of the suite, `<sha>-dirty` when its tracked files had changes; absent when unknown (no git checkout). */
  commit?: string;
}

/**
 * The mutation (fixtures/mutations.yaml) a run's stack was built under and
 * the run's outcome against its declaration, as harness/mutations/outcome.ts
 * computes it.
 */
export interface RunMutation {
  name: string;
  fail: ClaimId[];
  pass: ClaimId[];
  refusedBy?: string;
  outcome: {
    mutation: string;
    ok: boolean;
    claims: { claim: ClaimId; expected: "fail" | "pass"; verdict: VerdictValue | "not run"; outcome: "caught" | "refused" | "missed" | "held" | "collateral" }[];
    summary: string;
  };
}

export interface RunRecord {
  schemaVersion: number;
  runId: string;
  status: "running" | "passed" | "failed" | "aborted";
  startedAt: string;
  finishedAt?: string;
  tool: { name: string; version: string; node: string };
  profile: unknown;
  environment: Record<string, string>;
  versions: unknown;
  /** Absent in bundles of older secretproof versions; `verify` refuses those. */
  expectations?: RunExpectations;
  steps: StepTiming[];
  suites: StepTiming[];
  /** The kind node's peak memory over the run and per step and suite (harness/evidence/node-memory.ts). */
  memory?: RunMemory;
  verdicts: Verdict[];
  /** Labels of the secrets the redaction layer knew about (never values). */
  redacted: string[];
  /** The mutation the run's stack was built under and its outcome; absent for the stack as designed. */
  mutation?: RunMutation;
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}-${randomBytes(3).toString("hex")}`;
}

/** Rejects paths that would escape the run directory. */
function safeRelative(rel: string): string {
  const n = normalize(rel).replaceAll("\\", "/");
  if (!rel || isAbsolute(rel) || n.startsWith("../") || n === ".." || n === RUN_JSON || n === MANIFEST) {
    throw new Error(`invalid evidence path ${JSON.stringify(rel)}`);
  }
  return n;
}

/** Where each suite's verdicts land inside a run directory, one file per claim family. */
export const VERDICTS_DIR = "verdicts";

/**
 * Writes artifacts into an existing run directory. Safe to use from several
 * processes at once (each vitest worker attaches its own writer): it never
 * touches run.json or SHA256SUMS. Every byte passes the redaction layer.
 */
export class ArtifactWriter {
  constructor(
    readonly dir: string,
    protected readonly redactor: Redactor = defaultRedactor,
  ) {}

  /** Writes an artifact (text, bytes, or a value serialised as JSON); returns its bundle path. */
  async write(rel: string, content: string | Buffer | object): Promise<string> {
    const path = safeRelative(rel);
    const bytes = Buffer.isBuffer(content)
      ? content
      : Buffer.from(typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`, "utf8");
    const full = join(this.dir, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, this.redactor.redactBytes(bytes));
    return path;
  }

  /** Appends one line (e.g. a JSONL event) to an artifact. */
  async appendLine(rel: string, line: string): Promise<string> {
    const path = safeRelative(rel);
    const full = join(this.dir, path);
    await mkdir(dirname(full), { recursive: true });
    await appendFile(full, `${this.redactor.redact(line.replace(/\n$/, ""))}\n`);
    return path;
  }

  /** Records a claim family's verdicts; the run owner folds them into run.json. */
  async verdicts(family: string, verdicts: Verdict[]): Promise<string> {
    if (!/^[a-z0-9-]+$/.test(family)) throw new Error(`invalid claim family name ${JSON.stringify(family)}`);
    return this.write(`${VERDICTS_DIR}/${family}.json`, verdicts);
  }
}

/**
 * Owns one run directory: creates it with run.json, collects step and suite
 * timings, and on finalize folds every family's verdicts into run.json and
 * writes SHA256SUMS over every file.
 */
export class EvidenceRecorder extends ArtifactWriter {
  readonly record: RunRecord;

  private constructor(dir: string, record: RunRecord, red: Redactor) {
    super(dir, red);
    this.record = record;
  }

  static async create(
    root: string,
    init: Pick<RunRecord, "tool" | "profile" | "versions" | "expectations"> & { runId?: string; environment?: Record<string, string> },
    red: Redactor = defaultRedactor,
  ): Promise<EvidenceRecorder> {
    const runId = init.runId ?? newRunId();
    const dir = resolve(root, runId);
    await mkdir(dir, { recursive: true });
    const rec = new EvidenceRecorder(
      dir,
      {
        schemaVersion: RUN_SCHEMA_VERSION,
        runId,
        status: "running",
        startedAt: new Date().toISOString(),
        tool: init.tool,
        profile: init.profile,
        environment: { ...collectEnvironment(), ...init.environment },
        versions: init.versions,
        ...(init.expectations ? { expectations: init.expectations } : {}),
        steps: [],
        suites: [],
        verdicts: [],
        redacted: [],
      },
      red,
    );
    await rec.#writeRunJson();
    return rec;
  }

  step(t: StepTiming): void {
    this.record.steps.push(t);
  }

  suite(t: StepTiming): void {
    this.record.suites.push(t);
  }

  verdict(v: Verdict): void {
    this.record.verdicts.push(v);
  }

  async #writeRunJson(): Promise<void> {
    this.record.redacted = this.redactor.labels();
    const text = `${JSON.stringify(this.record, null, 2)}\n`;
    await writeFile(join(this.dir, RUN_JSON), this.redactor.redact(text));
  }

  async #collectFamilyVerdicts(): Promise<void> {
    let names: string[];
    try {
      names = (await readdir(join(this.dir, VERDICTS_DIR))).filter((n) => n.endsWith(".json")).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const list = JSON.parse(await readFile(join(this.dir, VERDICTS_DIR, n), "utf8")) as Verdict[];
      this.record.verdicts.push(...list);
    }
  }

  /**
   * Writes run.json with the final status and all verdicts, then SHA256SUMS
   * over every file. `derive` runs between the two, so files derived from the
   * final run.json (the reports) are covered by the manifest too.
   */
  async finalize(status: RunRecord["status"], opts: { derive?: (dir: string) => Promise<unknown>; amend?: (record: RunRecord) => void } = {}): Promise<void> {
    await this.#collectFamilyVerdicts();
    this.record.status = status;
    this.record.finishedAt = new Date().toISOString();
    // e.g. a mutation's outcome, judged from the verdicts just collected
    opts.amend?.(this.record);
    await this.#writeRunJson();
    try {
      await opts.derive?.(this.dir);
    } finally {
      // a failing derivation must not leave the bundle without its manifest
      await writeFile(join(this.dir, MANIFEST), await buildManifest(this.dir));
    }
  }
}
