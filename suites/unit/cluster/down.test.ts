import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { down, downForRun } from "../../../harness/cluster/run/down.ts";
import { generateSecrets } from "../../../harness/cluster/state/secrets.ts";
import { saveSecrets, stateDir } from "../../../harness/cluster/state/state.ts";
import { StepLog } from "../../../harness/core/log.ts";
import { ArtifactWriter, EvidenceRecorder } from "../../../harness/evidence/recorder.ts";
import { loadProfile } from "../../../harness/profile.ts";
import { useFakeTools } from "../../support/fake-tools.ts";


/** A stand-in `kind` on PATH: lists one cluster, fails to export its logs, and records a delete. */
const FAKE_KIND = (d: string) => `#!/bin/sh
case "$1 $2" in
  "get clusters") echo "teardown-test";;
  "export logs") echo "ERROR: unknown cluster or node not running" >&2; exit 1;;
  "delete cluster") echo "$@" > "${d}/deleted";;
  *) echo "unexpected: $*" >&2; exit 2;;
esac
`;

const tools = useFakeTools("secretproof-down-", (d) => ({ kind: FAKE_KIND(d) }));

const gone = (p: string) => stat(p).then(() => false, () => true);

describe("down", () => {
  it("deletes the cluster and its state even when exporting its logs fails, and says why the logs are missing", async () => {
    await saveSecrets(stateDir("teardown-test"), generateSecrets());
    const lines: string[] = [];
    const r = await down({
      profile: loadProfile("ci"),
      clusterName: "teardown-test",
      log: new StepLog({ write: (l) => lines.push(l) }),
      exportLogsFor: new ArtifactWriter(join(tools.dir(), "run")),
    });
    expect(await readFile(join(tools.dir(), "deleted"), "utf8")).toBe("delete cluster --name teardown-test\n");
    expect(r.deleted).toBe(true);
    expect(r.logExportError).toMatch(/^kind export logs .* --name teardown-test exited 1 .*\n.*unknown cluster or node not running/s);
    expect(await gone(stateDir("teardown-test"))).toBe(true);
    expect(lines.some((l) => l.includes("export-logs FAILED"))).toBe(true);
  });

  it("deletes the cluster when its logs cannot be exported redacted (no secrets to redact with)", async () => {
    const r = await down({
      profile: loadProfile("ci"),
      clusterName: "teardown-test",
      log: new StepLog({ write: () => undefined }),
      exportLogsFor: new ArtifactWriter(join(tools.dir(), "run")),
    });
    expect(r.logExportError).toMatch(/^refusing to export teardown-test's logs unredacted/);
    expect(await readFile(join(tools.dir(), "deleted"), "utf8")).toContain("teardown-test");
  });

  it("at the end of a run, prints a failed log export and records it in run.json, and the bundle still gets its SHA256SUMS", async () => {
    await saveSecrets(stateDir("teardown-test"), generateSecrets());
    const rec = await EvidenceRecorder.create(join(tools.dir(), "runs"), { tool: { name: "secretproof", version: "0", node: process.version }, profile: {}, versions: {} });
    const lines: string[] = [];
    const r = await downForRun({ profile: loadProfile("ci"), rec, clusterName: "teardown-test", write: (l) => lines.push(l) });
    await rec.finalize("passed");
    expect(r.deleted).toBe(true);
    expect(lines.at(-1)).toMatch(/^cluster logs NOT exported to .*\.cluster-logs\/ \(recorded as step export-logs in run\.json\); the cluster was deleted all the same: kind export logs/);
    const run = JSON.parse(await readFile(join(rec.dir, "run.json"), "utf8")) as { steps: { name: string; ok: boolean; error?: string }[] };
    expect(run.steps.map((s) => s.name)).toEqual(["find-cluster", "export-logs", "delete-cluster", "remove-state"]);
    expect(run.steps[1]).toMatchObject({ ok: false, error: expect.stringMatching(/unknown cluster or node not running/) });
    expect(await readFile(join(rec.dir, "SHA256SUMS"), "utf8")).toMatch(/ {2}run\.json\n/);
  });
});
