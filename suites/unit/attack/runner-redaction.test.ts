import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { outcomeProblems } from "../../../harness/attack/attempt.ts";
import type { Attack } from "../../../harness/attack/catalogue.ts";
import { AttemptFailed, runAttack } from "../../../harness/attack/runner.ts";
import { ExecError, type ExecResult } from "../../../harness/core/exec.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";
import { POD } from "../../support/falco-samples.ts";

const CREDENTIAL = "A1a-stolenPasswordXy9";
const CAT: Attack = {
  id: "cat",
  source: "test",
  command: ["cat", "/mnt/secrets/db-password"],
  target: "/mnt/secrets/db-password",
  claims: ["F1"],
  falco: { fires: [], silent: [] },
  detection: { exitCode: 0, stdout: "credential" },
  enforcement: { exitCode: 137, stdout: "empty", tetragon: "kill" },
};

/** A kubectl whose exec answers with `exec` (no cluster involved). */
function kube(exec: () => Promise<ExecResult>): Kubectl {
  const never = () => Promise.reject(new Error("not used"));
  return { context: "kind-test", run: never, json: never, apply: never, rolloutStatus: never, exec };
}

describe("attack runner redaction", () => {
  it("registers a read credential before recording, so the record holds only its marker", async () => {
    const red = new Redactor();
    const ok = kube(async () => ({ command: "kubectl exec", exitCode: 0, stdout: `${CREDENTIAL}\n`, stderr: "", startedAt: "", durationMs: 1 }));
    const r = await runAttack({ kube: ok, pod: POD, timeoutMs: 1_000, redactor: red }, CAT, "detection");
    expect(r.credential).toBe(CREDENTIAL);
    expect(r.record.credentialRegistered).toBe(true);
    expect(JSON.stringify(r.record)).not.toContain(CREDENTIAL);
  });

  it("a read cut short by a timeout fails without the unregistered credential it printed", async () => {
    const red = new Redactor();
    const timedOut = kube(async () => {
      throw new ExecError("kubectl exec … cat /mnt/secrets/db-password timed out after 1s; stderr:\n", { command: "kubectl exec", stdout: CREDENTIAL, stderr: "" });
    });
    const err = await runAttack({ kube: timedOut, pod: POD, timeoutMs: 1_000, redactor: red }, CAT, "detection").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttemptFailed);
    expect((err as Error).message).toMatch(/^attempt detection\/cat did not complete: attack cat: .*timed out/);
    expect(inspect(err, { depth: 10 })).not.toContain(CREDENTIAL);
  });
});

describe("attack runner exit codes", () => {
  const result = (exitCode: number, stderr: string): ExecResult => ({ command: "kubectl exec cat", exitCode, stdout: "", stderr, startedAt: "", durationMs: 1 });

  it("records 137 when the container reported the kill, without kubectl's trailer in the recorded stderr", async () => {
    const killed = kube(async () => result(137, "command terminated with exit code 137\n"));
    const r = await runAttack({ kube: killed, pod: POD, timeoutMs: 1_000, redactor: new Redactor() }, CAT, "enforcement");
    expect(r.record).toMatchObject({ exitCode: 137, stdoutBytes: 0, stderr: "", credentialRegistered: false });
    expect(r.record.error).toBeUndefined();
  });

  it("records kubectl's own failure as an attempt that did not complete, not as the command's exit code", async () => {
    const broken = kube(async () => result(1, "error: unable to upgrade connection: pod does not exist\n"));
    const err = await runAttack({ kube: broken, pod: POD, timeoutMs: 1_000, redactor: new Redactor() }, CAT, "enforcement").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttemptFailed);
    const rec = (err as AttemptFailed).record;
    expect(rec).toMatchObject({ id: "enforcement/cat", exitCode: -1, stdoutBytes: 0, stdout: "" });
    expect(rec.error).toMatch(/failed in kubectl itself \(exit 1.*unable to upgrade connection/s);
    expect(outcomeProblems(rec, CAT.enforcement)).toEqual([`the attempt did not complete: ${rec.error}`]);
  });

  it("records a SIGKILL of kubectl itself (137 without the container's line) as kubectl's failure", async () => {
    const err = await runAttack({ kube: kube(async () => result(137, "")), pod: POD, timeoutMs: 1_000, redactor: new Redactor() }, CAT, "enforcement").catch((e: unknown) => e);
    expect((err as AttemptFailed).record.exitCode).toBe(-1);
  });
});
