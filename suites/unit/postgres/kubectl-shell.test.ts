import { describe, expect, it } from "vitest";
import type { ExecResult } from "../../../harness/core/exec.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { kubectlShell } from "../../../harness/postgres/in-pod.ts";

/** A kubectl whose exec answers `r` (no cluster involved). */
function kube(r: Omit<ExecResult, "command" | "startedAt" | "durationMs">): Kubectl {
  const never = () => Promise.reject(new Error("not used"));
  return { context: "kind-test", run: never, json: never, apply: never, rolloutStatus: never, exec: async () => ({ command: "kubectl exec psql", startedAt: "", durationMs: 1, ...r }) };
}

describe("psql over kubectl exec: kubectl's own failure is never a login result", () => {
  it("passes psql's exit 2 (connection refused the password) on, with psql's stderr only", async () => {
    const said = 'psql: error: connection to server at "10.244.0.7", port 5432 failed: FATAL:  password authentication failed for user "postgres"\n';
    const sh = kubectlShell(kube({ exitCode: 2, stdout: "", stderr: `${said}command terminated with exit code 2\n` }), "postgres", "postgres-0");
    expect(await sh.exec(["psql"], { okExitCodes: [1, 2] })).toEqual({ exitCode: 2, stdout: "", stderr: said });
  });

  it("fails, naming kubectl, when exit 1 came from kubectl itself", async () => {
    const sh = kubectlShell(kube({ exitCode: 1, stdout: "", stderr: "error: unable to upgrade connection: container not found (\"postgres\")\n" }), "postgres", "postgres-0");
    await expect(sh.exec(["psql"], { okExitCodes: [1, 2] })).rejects.toThrow(/kubectl exec psql failed in kubectl itself \(exit 1.*unable to upgrade connection/s);
  });

  it("passes psql's own exit 1 (its -c query failed) on", async () => {
    const sh = kubectlShell(kube({ exitCode: 1, stdout: "", stderr: "ERROR:  permission denied\ncommand terminated with exit code 1\n" }), "postgres", "postgres-0");
    expect((await sh.exec(["psql"], { okExitCodes: [1, 2] })).stderr).toBe("ERROR:  permission denied\n");
  });
});
