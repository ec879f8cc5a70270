import { chmod, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appIdentity } from "../../fixtures/vault/definitions.ts";
import { createSecretsVolume, type SecretsVolume } from "../../harness/app/secrets-volume.ts";
import { loadCatalogue } from "../../harness/attack/catalogue.ts";
import { decodeCredential } from "../../harness/attack/decode-output.ts";
import { run } from "../../harness/core/exec.ts";
import { findPython } from "../../harness/core/locate.ts";
import { toMs } from "../../clusters/duration.ts";
import { ruleNames } from "../../harness/falco/rules-file.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/**
 * The catalogue's read methods are run for real only in the app pod, on a
 * cluster. Here each one runs as a plain process against a secrets directory
 * laid out the way the CSI driver writes it, with `/mnt/` moved under a temp
 * root: a typo in a command (awk quoting, dd's operand, a shell builtin) shows
 * up offline instead of as a failed F1 on CI. `/proc/1/root` becomes this
 * test process's own root link (PID 1 here is not ours; the pod's is the app,
 * same user as the reader). An encoded reader's output is decoded as the
 * runner decodes it.
 */
const PASSWORD = "gXH2tx-vLIQ5AcFL7gPD";
const readers = loadCatalogue(ruleNames()).attacks.filter((a) => a.detection.stdout === "credential" && !a.tty);

let root: string;
let volume: SecretsVolume;
let python: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-attacks-"));
  volume = await createSecretsVolume(root);
  await volume.write({ [appIdentity.objects.username]: "v-kubernet-secure-a-x-1", [appIdentity.objects.password]: `${PASSWORD}\n` });
  await mkdir(join(root, "mnt"));
  // A directory, as the CSI mount point is (tar stores a symlink as a link); its own links are relative.
  await rename(volume.path, join(root, "mnt", "secrets"));
  python = (await findPython()) ?? "python3";
});
afterAll(async () => {
  await volume?.remove();
  await rm(root, { recursive: true, force: true });
});

const relocate = (arg: string) => arg.replaceAll("/proc/1/", `/proc/${process.pid}/`).replaceAll("/mnt/", `${root}/mnt/`);

describe("the catalogue's read methods, run against a CSI-style secrets directory", () => {
  it("covers every article method", () => {
    const ids = readers.map((a) => a.id);
    for (const m of ["cat", "head", "tail", "dd", "awk", "sed", "sh-c-cat", "python3-c"]) expect(ids).toContain(m);
  });

  it("covers every v2 read path whose tool this machine has (io-uring and cp-stdout have their own tests)", () => {
    const ids = readers.map((a) => a.id);
    const v2 = ["exec-a-spoof", "proc-self-root", "proc-1-root", "tar-mount", "base64", "od", "grep", "cut", "perl", "python-mmap", "python-sendfile"];
    for (const m of v2) expect(ids).toContain(m);
  });

  it.each(readers.map((a) => [a.id, a] as const))("%s prints the credential and exits as the catalogue declares", async (_id, a) => {
    const [cmd = "", ...rest] = a.command.map(relocate);
    // In the pod an exec's stdout is a pipe (containerd's shim); node gives a socket, where /dev/stdout cannot be opened.
    const piped = rest.includes("/dev/stdout");
    const [file, ...args] = piped ? ["bash", "-o", "pipefail", "-c", '"$@" | cat', "bash", cmd, ...rest] : [cmd, ...rest];
    const r = await run(file === "python3" ? python : (file as string), args, {
      timeoutMs: toMs(loadProfile().waits.command),
      okExitCodes: [a.detection.exitCode],
      ...(a.stdin !== undefined ? { input: a.stdin } : {}),
    });
    expect(r.exitCode).toBe(a.detection.exitCode);
    expect(a.decode ? decodeCredential(a.decode, r.stdout, a.target ?? "") : r.stdout.trim()).toBe(PASSWORD);
  });
});

describe("cp-stdout, as it runs in the pod", () => {
  const cp = loadCatalogue(ruleNames()).attacks.find((a) => a.id === "cp-stdout")!;

  // In the pod, stdout is a pipe containerd's shim made as root (mode 0600), and the app's uid 10001 has no capabilities.
  it.skipIf(process.getuid?.() !== 0)("cannot open a root-made stdout pipe as the app's uid: it exits as declared and writes nothing (runs as root only)", async () => {
    const dir = await mkdtemp(join(tmpdir(), "secretproof-cp-"));
    try {
      await chmod(dir, 0o755);
      await writeFile(join(dir, "db-password"), `${PASSWORD}\n`, { mode: 0o644 });
      const [, src, dst] = cp.command;
      expect([src, dst]).toEqual(["/mnt/secrets/db-password", "/dev/stdout"]);
      const asApp = ["setpriv", "--reuid", "10001", "--regid", "10001", "--clear-groups", "--inh-caps=-all", "--bounding-set=-all"];
      const r = await run("bash", ["-o", "pipefail", "-c", '"$@" | cat', "bash", ...asApp, "cp", join(dir, "db-password"), "/dev/stdout"], {
        timeoutMs: toMs(loadProfile().waits.command),
        okExitCodes: [0, 1],
      });
      expect(cp.detection).toEqual({ exitCode: 1, stdout: "empty" });
      expect(r.exitCode).toBe(cp.detection.exitCode);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/cannot create regular file '\/dev\/stdout': Permission denied/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
