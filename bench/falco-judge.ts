/**
 * `npm run bench`: the Falco judge over a generated stream of Falco JSON lines
 * (default 1,000,000; BENCH_LINES overrides), next to a bare JSON.parse loop
 * over the same file and to `jq -c` filtering it. Each contender runs in its
 * own process so its peak RSS is its own.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { AttemptRecord } from "../harness/attack/attempt.ts";
import { attemptIndexAt, judgeFalcoAttempt } from "../harness/claims/detection/alerts.ts";
import { SLACK_MS } from "../harness/claims/detection/judge.ts";
import { FalcoLineParser, MARKER_RULE, type FalcoAlert } from "../harness/falco/alert.ts";
import { EXPECT, READ, generate } from "./falco-stream.ts";

interface Result {
  lines: number;
  ms: number;
  maxRssMb: number;
  note?: string;
}

function lines(path: string) {
  return createInterface({ input: createReadStream(path, { highWaterMark: 1 << 20 }), crlfDelay: Infinity });
}

async function bare(path: string): Promise<Result> {
  const t = performance.now();
  let n = 0;
  let objects = 0;
  for await (const line of lines(path)) {
    n++;
    try {
      if (JSON.parse(line)) objects++;
    } catch {
      /* a log line */
    }
  }
  return { lines: n, ms: performance.now() - t, maxRssMb: process.resourceUsage().maxRSS / 1024, note: `${objects} JSON objects` };
}

async function judge(path: string, attempts: AttemptRecord[]): Promise<Result> {
  const t = performance.now();
  const parser = new FalcoLineParser();
  const buckets: FalcoAlert[][] = attempts.map(() => []);
  const markers = new Map<string, number>();
  for await (const line of lines(path)) {
    const a = parser.parse(line).alert;
    if (!a) continue;
    if (a.rule === MARKER_RULE) markers.set(String(a.fields["proc.cmdline"]).split(" ")[1] ?? "", a.timeMs);
    const i = attemptIndexAt(attempts, a.timeMs, 50);
    if (i >= 0) buckets[i]?.push(a);
  }
  let pass = 0;
  attempts.forEach((at, i) => {
    const r = judgeFalcoAttempt(at, EXPECT, buckets[i] ?? [], markers.get(at.barrier ?? ""), { slackMs: SLACK_MS, priorities: { [READ]: "Critical" } });
    if (r.ok === true) pass++;
  });
  const c = parser.counts;
  const note = `${pass}/${attempts.length} attempts pass; ${c.alerts} ours, ${c.foreign} foreign, ${c.nonJson} non-JSON, ${c.invalid} invalid`;
  return { lines: c.lines, ms: performance.now() - t, maxRssMb: process.resourceUsage().maxRSS / 1024, note };
}

function child(mode: string, file: string, plan: string): Result {
  const r = spawnSync(process.execPath, [...process.execArgv, import.meta.filename, mode, file, plan], { encoding: "utf8", maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Result;
}

function jq(file: string, n: number): Result {
  const filter = 'fromjson? | select(.rule | startswith("SecretProof"))';
  const t = performance.now();
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "/usr/bin/jq", "-cR", filter, file], { encoding: "utf8", stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`jq failed: ${r.stderr}`);
  const kb = Number(r.stderr.trim().split("\n").pop());
  return { lines: n, ms, maxRssMb: kb / 1024, note: `jq -cR '${filter}'` };
}

async function main(): Promise<void> {
  const [mode, file, plan] = process.argv.slice(2);
  if (mode === "bare" && file) return void process.stdout.write(JSON.stringify(await bare(file)));
  if (mode === "judge" && file && plan) {
    const attempts = JSON.parse(readFileSync(plan, "utf8")) as AttemptRecord[];
    return void process.stdout.write(JSON.stringify(await judge(file, attempts)));
  }
  const n = Number(process.env.BENCH_LINES ?? 1_000_000);
  let ok = true;
  for (const mix of ["cluster", "ours"] as const) ok = (await compare(n, mix)) && ok;
  if (!ok) process.exitCode = 1;
}

/** Runs the three contenders over one generated stream; true when the targets are met. */
async function compare(n: number, mix: "cluster" | "ours"): Promise<boolean> {
  const dir = mkdtempSync(join(tmpdir(), "secretproof-bench-"));
  try {
    const stream = join(dir, "falco.jsonl");
    const planFile = join(dir, "attempts.json");
    const { attempts } = await generate(stream, n, mix);
    writeFileSync(planFile, JSON.stringify(attempts));
    const mb = statSync(stream).size / 1e6;
    const what = mix === "cluster" ? "cluster mix: 85% stock-rule alerts, 5% log lines, 10% ours" : "worst case: every line one of our alerts";
    console.log(`\nFalco stream (${what}): ${n.toLocaleString("en")} lines, ${mb.toFixed(0)} MB, ${attempts.length} attempt windows`);
    const rows: [string, Result][] = [
      ["bare JSON.parse loop", child("bare", stream, planFile)],
      ["secretproof Falco judge", child("judge", stream, planFile)],
      ["jq -c filter", jq(stream, n)],
    ];
    for (const [name, r] of rows) {
      const rate = Math.round(r.lines / (r.ms / 1000)).toLocaleString("en");
      console.log(`${name.padEnd(26)} ${rate.padStart(12)} lines/s  ${(r.ms / 1000).toFixed(2).padStart(7)} s  peak RSS ${r.maxRssMb.toFixed(0).padStart(5)} MB  ${r.note ?? ""}`);
    }
    const [b, j, q] = rows.map(([, r]) => r.lines / r.ms) as [number, number, number];
    console.log(`judge / bare loop: ${(j / b).toFixed(2)} (target >= 0.50); judge / jq: ${(j / q).toFixed(2)} (target > 1)`);
    return j / b >= 0.5 && j > q;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
