import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMs } from "../../clusters/duration.ts";
import { createSecretsVolume, type SecretsVolume } from "../../harness/app/secrets-volume.ts";
import { attackAt, targetPaths } from "../../harness/attack/catalogue-paths.ts";
import { loadCatalogue } from "../../harness/attack/catalogue.ts";
import { decodeCredential } from "../../harness/attack/decode-output.ts";
import { toolLookupScript, toolsFound } from "../../harness/audit/attack-catalogue.ts";
import { run } from "../../harness/core/exec.ts";
import { findPython } from "../../harness/core/locate.ts";
import { ruleNames } from "../../harness/falco/rules-file.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/**
 * An audit runs the catalogue on its target's mount and password file. Here
 * the readers, moved to a CSI-style directory at another depth and with
 * another file name than the kind stack's, run as plain processes: a rewrite
 * that broke a command (the dot-segment form, a `cd` into the mount, a
 * /proc/<pid>/root path) shows up offline. The image lookup runs in this
 * machine's sh.
 */
const PASSWORD = "Zq7-audit-pw-4kLm9RtX";
const readers = loadCatalogue(ruleNames()).attacks.filter((a) => a.detection.stdout === "credential" && !a.tty && a.id !== "io-uring" && a.id !== "cp-stdout");

let root: string;
let mount: string;
let volume: SecretsVolume;
let python: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-audit-attacks-"));
  volume = await createSecretsVolume(root);
  await volume.write({ "pg-user": "payments_rw", "pg-pass": `${PASSWORD}\n` });
  mount = join(root, "var", "run", "creds");
  await mkdir(join(root, "var", "run"), { recursive: true });
  await rename(volume.path, mount);
  python = (await findPython()) ?? "python3";
});
afterAll(async () => {
  await volume?.remove();
  await rm(root, { recursive: true, force: true });
});

describe("the catalogue's readers on an audit target's mount and file", () => {
  it.each(readers.map((a) => [a.id, a] as const))("%s still prints the credential and exits as declared", async (_id, kindEntry) => {
    const a = attackAt(kindEntry, targetPaths(mount, "pg-pass"));
    expect(JSON.stringify(a.command)).not.toContain("/mnt/");
    const [cmd = "", ...args] = a.command.map((x) => x.replaceAll("/proc/1/", `/proc/${process.pid}/`));
    const r = await run(cmd === "python3" ? python : cmd, args, {
      timeoutMs: toMs(loadProfile().waits.command),
      okExitCodes: [a.detection.exitCode],
      ...(a.stdin !== undefined ? { input: a.stdin } : {}),
    });
    expect(r.exitCode).toBe(a.detection.exitCode);
    expect(a.decode ? decodeCredential(a.decode, r.stdout, a.target ?? "") : r.stdout.trim()).toBe(PASSWORD);
  });

  it("the image lookup names the binaries sh finds and only those", async () => {
    const asked = ["sh", "cat", "secretproof-no-such-binary"];
    const r = await run("sh", ["-c", toolLookupScript(asked)], { timeoutMs: toMs(loadProfile().waits.command) });
    expect([...toolsFound(r.stdout, asked)]).toEqual(["sh", "cat"]);
  });
});
