import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { APP_ENV } from "../../../fixtures/manifests/app.ts";
import { MOUNTED_PASSWORD, identityWindowMs, readMountedPassword } from "../../../harness/app/identities.ts";
import { ExecError } from "../../../harness/core/exec.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";
import { toMs } from "../../../clusters/duration.ts";
import { PROFILES, remountModelOf } from "../../../harness/profile.ts";

describe("the window A2 collects the app's DB identities in", () => {
  it("is the remount model's longest gap between writes, not the driver's minimum poll interval", () => {
    expect(identityWindowMs(PROFILES.ci)).toBe(26_000);
    expect(identityWindowMs(PROFILES.faithful)).toBe(216_000);
    for (const p of Object.values(PROFILES)) {
      expect(identityWindowMs(p), p.name).toBe(remountModelOf(p).maxGapMs);
      expect(identityWindowMs(p), p.name).toBeGreaterThan(toMs(p.csi.rotationPollInterval));
    }
  });

  it("fits the A2 test's timeout (the budget) wherever D2's window does: it is shorter than dynamic.rotationWindow", () => {
    for (const p of Object.values(PROFILES)) {
      const command = toMs(p.waits.command);
      // profileProblems checks rotationWindow + one command against the budget; A2 adds the port-forward's start to its window and slack.
      expect(identityWindowMs(p), p.name).toBeLessThan(toMs(p.dynamic.rotationWindow));
      expect(identityWindowMs(p) + 2 * command, p.name).toBeLessThan(toMs(p.budget));
    }
  });
});

describe("reading the app's live password for the A2 scan", () => {
  const PASSWORD = "A1a-4YtNq8ZpWk2Rv7Hs";
  const result = (stdout: string) => ({ command: "kubectl exec", exitCode: 0, stdout, stderr: "", startedAt: "2026-12-01T10:00:00.000Z", durationMs: 80 });

  it("reads the file the app reads: the mount's current generation behind ..data, named by the SecretProviderClass", () => {
    expect(MOUNTED_PASSWORD).toBe("/mnt/secrets/..data/db-password");
    expect(APP_ENV.SECRETS_DIR).toBe("/mnt/secrets");
    const app = readFileSync("fixtures/app/app.py", "utf8");
    expect(app).toContain('os.path.join(SECRETS_DIR, "..data")');
    expect(app).toContain('read_file(base, "db-password")');
  });

  it("execs cat in the app container and registers the value with the redactor before returning it", async () => {
    const red = new Redactor();
    const calls: unknown[] = [];
    const kube = {
      exec: async (...args: unknown[]) => {
        calls.push(args);
        return result(`${PASSWORD}\n`);
      },
    };
    const got = await readMountedPassword(kube as never, 5_000, red);
    expect(got).toBe(PASSWORD);
    expect(red.redact(`password=${PASSWORD}`)).not.toContain(PASSWORD);
    expect(red.labels()).toEqual(["the app's mounted DB password"]);
    expect(calls).toEqual([["test-dynamic", "deploy/secure-test-app", ["cat", "/mnt/secrets/..data/db-password"], { container: "web", timeoutMs: 5_000, secretStdout: true }]]);
  });

  it("fails by name when a TracingPolicy kills the reader, or the file is empty", async () => {
    const killed = new ExecError("kubectl exec exited 137", { command: "kubectl exec", exitCode: 137, stdout: "", stderr: "" });
    const dead = { exec: () => Promise.reject(killed) };
    await expect(readMountedPassword(dead as never, 5_000, new Redactor())).rejects.toThrow(
      "could not read /mnt/secrets/..data/db-password in test-dynamic/deploy/secure-test-app container web: killed (137), so a TracingPolicy is enforcing in test-dynamic",
    );
    const empty = { exec: async () => result("\n") };
    await expect(readMountedPassword(empty as never, 5_000, new Redactor())).rejects.toThrow(/kubectl exec printed nothing: \/mnt\/secrets\/\.\.data\/db-password in .* is empty/);
  });
});
