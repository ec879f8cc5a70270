import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMs } from "../../clusters/duration.ts";
import { uringLocalExpectation } from "../../harness/attack/uring-prereq.ts";
import { run } from "../../harness/core/exec.ts";
import { loadProfile } from "../../harness/vitest/index.ts";

/**
 * The io-uring catalogue entry's helper, built with the app image's own
 * command (gcc -static, fixtures/app/Dockerfile) and run here. The pod's
 * seccomp profile refuses io_uring, so only this tier shows that the helper
 * really reads through the ring. gcc, glibc's static libc and the kernel's
 * io_uring.h are prerequisites of this tier (apt-get install gcc libc6-dev
 * linux-libc-dev); a missing one fails by name.
 */
const SOURCE = fileURLToPath(new URL("../../fixtures/app/uring-read.c", import.meta.url));
const PASSWORD = "uRing-9fQ2xv7LbN3kTd";
const timeoutMs = toMs(loadProfile().waits.command);
let dir: string;
let bin: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "secretproof-uring-"));
  await writeFile(join(dir, "db-password"), `${PASSWORD}\n`, { mode: 0o600 });
  bin = await build();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function build(): Promise<string> {
  const out = join(dir, "uring-read");
  await run("gcc", ["-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o", out, SOURCE], { timeoutMs }).catch((err: unknown) => {
    throw new Error(`the local tier compiles ${SOURCE} with gcc -static (apt-get install gcc libc6-dev linux-libc-dev): ${String(err)}`, { cause: err });
  });
  return out;
}

describe("the io_uring reader of the io-uring catalogue entry", () => {
  it("compiles static, as the app image's build stage does, and reads the file through io_uring unless the kernel closes it", async () => {
    const sysctl = await readFile("/proc/sys/kernel/io_uring_disabled", "utf8").catch(() => undefined);
    const want = uringLocalExpectation(sysctl, process.getuid?.() === 0);
    const r = await run(bin, [join(dir, "db-password")], { timeoutMs, okExitCodes: [0, 3, 4, 5] });
    expect(r.exitCode, `${want.why}; stderr: ${r.stderr}`).toBe(want.exitCode);
    if (want.exitCode === 0) expect(r.stdout.trim()).toBe(PASSWORD);
    else expect(r.stderr).toMatch(/^uring-read: io_uring_setup: /);
  });

  it("names the failing operation and exits 5 when the open through the ring fails", async () => {
    const sysctl = await readFile("/proc/sys/kernel/io_uring_disabled", "utf8").catch(() => undefined);
    const want = uringLocalExpectation(sysctl, process.getuid?.() === 0);
    const r = await run(bin, [join(dir, "missing")], { timeoutMs, okExitCodes: [2, 3, 4, 5] });
    expect(r.exitCode, want.why).toBe(want.exitCode === 0 ? 5 : 3);
    if (want.exitCode === 0) expect(r.stderr).toMatch(/IORING_OP_OPENAT .*missing: No such file or directory/);
  });
});
