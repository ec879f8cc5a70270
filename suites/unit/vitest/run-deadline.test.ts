import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { loadProfile } from "../../../harness/vitest/index.ts";
import { armSuitesDeadline, DeadlineError, withDeadline } from "../../../harness/vitest/run-deadline.ts";

const FIXTURE = resolve("suites/unit/vitest/deadline-fixture");
/** Short, from the profile's in-memory poll: the fixture's own timeouts are ten minutes. */
const DEADLINE_MS = 4 * toMs(loadProfile().waits.eventPoll);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "secretproof-deadline-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** A real vitest run of one fixture file with the suites deadline armed in its global setup. */
async function runFixture(file: string) {
  const marker = join(dir, `${file}.json`);
  const started = Date.now();
  const r = await execa("node_modules/.bin/vitest", ["run", "--root", FIXTURE, "--reporter=verbose", file], {
    reject: false,
    env: { NO_COLOR: "1", FIXTURE_DEADLINE_MS: String(DEADLINE_MS), FIXTURE_GRACE_MS: String(DEADLINE_MS), FIXTURE_MARKER: marker },
    timeout: 60_000,
  });
  const seen = JSON.parse(await readFile(marker, "utf8")) as { fired: string | null; lines: string[] };
  return { ...r, seen, elapsedMs: Date.now() - started };
}

describe("the e2e suites deadline, on a real vitest run", () => {
  it("aborts the hanging test, skips the rest, stops the worker whose hook hangs, fails the run, and still runs the teardown", async () => {
    const r = await runFixture("hang.fixture.ts");
    expect(r.exitCode).toBe(1);
    expect(r.seen.fired).toMatch(/^the e2e suites ran past the fixture's budget: cancelled the remaining tests after/);
    expect(r.seen.lines.at(-1)).toMatch(/^the cancelled run was still going .* later: stopping its workers$/);
    expect(r.stdout).toMatch(/✓ hang\.fixture\.ts > passes before the deadline/);
    // the stopped worker reports nothing more: vitest counts one passed test, and the exit code and the teardown say the run failed
    expect(r.stdout).toMatch(/Tests\s+1 passed/);
    expect(r.stdout).not.toContain("ran after the deadline");
    expect(r.elapsedMs).toBeLessThan(30_000);
  });
});

describe("withDeadline", () => {
  it("passes a result through and rejects, with the message, work that outlives the deadline", async () => {
    await expect(withDeadline(Promise.resolve(7), DEADLINE_MS, "late")).resolves.toBe(7);
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(never, 1, "the setup passed its bound")).rejects.toThrow("the setup passed its bound");
    await expect(withDeadline(never, 1, "late")).rejects.toBeInstanceOf(DeadlineError);
    await expect(withDeadline(Promise.reject(new Error("failed in time")), DEADLINE_MS, "late")).rejects.not.toBeInstanceOf(DeadlineError);
  });
});

describe("the suites deadline's stop of the work beside the suites", () => {
  it("calls onFire with the deadline's message before it cancels the run", async () => {
    const order: string[] = [];
    let cancelled!: () => void;
    const done = new Promise<void>((r) => (cancelled = r));
    const d = armSuitesDeadline({
      cancel: () => Promise.resolve(void order.push("cancel")).then(cancelled),
      deadlineMs: 1,
      graceMs: DEADLINE_MS,
      what: "the test's budget",
      log: () => undefined,
      onFire: (reason) => void order.push(`stop: ${reason}`),
    });
    await done;
    d.clear();
    expect(order).toEqual([`stop: ${d.fired}`, "cancel"]);
    expect(d.fired).toMatch(/^the e2e suites ran past the test's budget/);
  });
});
