import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectDiagnostics, TARGETS, type DiagnosticTarget } from "../../../harness/cluster/up/diagnostics.ts";
import { upStep, UP_STEPS } from "../../../harness/cluster/up/steps.ts";
import type { ExecResult } from "../../../harness/core/exec.ts";
import { ArtifactWriter } from "../../../harness/evidence/recorder.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { generateVaultRootToken } from "../../../harness/cluster/state/vault-root-token.ts";

const TOKEN = generateVaultRootToken();

/** Records the kubectl calls the reporter makes and answers each with canned output (no cluster involved). */
function recordingKubectl(calls: string[][]): Kubectl {
  const result = (args: readonly string[], stdout: string): ExecResult => ({
    command: `kubectl ${args.join(" ")}`,
    exitCode: 0,
    stdout,
    stderr: "",
    startedAt: "",
    durationMs: 1,
  });
  const answer = (args: readonly string[]) =>
    args[0] === "logs"
      ? `[pod/vault-0/vault] Root Token: ${TOKEN}\n`
      : args[0] === "get" && args[1] === "events"
        ? "LAST SEEN TYPE REASON OBJECT MESSAGE\n1m Warning FailedMount pod/x MountVolume.SetUp failed\n"
        : "NAME READY STATUS\nvault-0 0/1 Running\n";
  return {
    context: "kind-secretproof",
    run: async (args) => (calls.push([...args]), result(args, answer(args))),
    json: async () => ({}) as never,
    apply: async () => result([], ""),
    exec: async () => result([], ""),
    rolloutStatus: async () => result([], ""),
  };
}

let dir: string;
beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), "secretproof-diag-"))));
afterEach(() => rm(dir, { recursive: true, force: true }));

describe("failure diagnostics", () => {
  it("cover every step that acts on a component", () => {
    const offCluster = ["state", "fixtures", "kind-cluster", "app-image", "app-image-load", "images-pull", "images-load"];
    for (const s of UP_STEPS.filter((x) => !offCluster.includes(x.name))) expect(s.diagnose, s.name).toBeDefined();
    for (const s of UP_STEPS.filter((x) => offCluster.includes(x.name))) expect(s.diagnose, s.name).toBeUndefined();
  });

  it("name only known components, each with a namespace and a label selector, a helm release only where one is installed", () => {
    const known = new Set<DiagnosticTarget>(Object.values(TARGETS));
    for (const s of UP_STEPS) for (const t of s.diagnose ?? []) expect(known.has(t), `${s.name}: ${t.selector}`).toBe(true);
    for (const t of Object.values(TARGETS)) {
      expect(t.namespace).toMatch(/^[a-z0-9-]+$/);
      expect(t.selector).toMatch(/^[a-z0-9./-]+(=| in \()/);
    }
    const releases = new Set(UP_STEPS.flatMap((s) => (s.diagnose ?? []).flatMap((t) => ("release" in t ? [t.release] : []))));
    expect([...releases].sort()).toEqual(["cilium", "falco", "secrets-store-csi-driver", "tetragon", "vault"]);
  });

  it("record pods, events, logs and helm status of the failing component, with live secrets redacted", async () => {
    const red = new Redactor();
    red.register(TOKEN, "vault root token");
    const calls: string[][] = [];
    const d = await collectDiagnostics(upStep("vault")!, recordingKubectl(calls), new ArtifactWriter(dir, red), async () => "STATUS: deployed");
    expect(d.files.sort()).toEqual(
      ["describe", "events", "helm-status", "logs", "logs-previous", "pods"].map((f) => `diagnostics/vault/0-vault/${f}.txt`).sort(),
    );
    const logs = await readFile(join(dir, "diagnostics/vault/0-vault/logs.txt"), "utf8");
    expect(logs).toContain("Root Token: <redacted sha256:");
    expect(logs).not.toContain(TOKEN);
    expect(calls.every((c) => c.includes("vault") || c.includes("-l"))).toBe(true);
    expect(d.summary.join("\n")).toMatch(/Warning FailedMount/);
  });
});
