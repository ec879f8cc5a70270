import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ToolDownload } from "../../../harness/tools/catalog.ts";
import { installTool, installTools, type InstallOptions } from "../../../harness/tools/install.ts";
import { toMs } from "../../../clusters/duration.ts";
import { loadProfile } from "../../../harness/vitest/index.ts";
import { body, firstThen, serve, status, truncated, type Served } from "./serve.ts";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const script = (text: string) => Buffer.from(`#!/bin/sh\necho '${text}'\n`);
const KIND = script("kind v0.33.0 go1.25.3 linux/amd64");
const HELM = script("v3.21.3+gtest");
/** Short enough that a download that never completes fails within a second, from the profile's in-memory poll. */
const POLL = toMs(loadProfile().waits.eventPoll);

let root: string;
let helmTgz: Buffer;
let noMemberTgz: Buffer;
let http: Served;

/** A real gzip'd tar made by tar, holding `member` (or some other file when member is absent). */
async function tarGz(dir: string, member: string | undefined): Promise<Buffer> {
  const src = join(dir, "src");
  const path = member ?? "linux-amd64/README.md";
  await mkdir(join(src, path, ".."), { recursive: true });
  await writeFile(join(src, path), member ? HELM : "no binary here\n", { mode: 0o755 });
  await execa("tar", ["-czf", join(dir, "out.tar.gz"), "-C", src, path]);
  return readFile(join(dir, "out.tar.gz"));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-tools-"));
  helmTgz = await tarGz(await mkdtemp(join(root, "a-")), "linux-amd64/helm");
  noMemberTgz = await tarGz(await mkdtemp(join(root, "b-")), undefined);
  http = await serve({
    "/kind": body(KIND),
    "/helm.tar.gz": body(helmTgz),
    "/no-member.tar.gz": body(noMemberTgz),
    "/truncated": truncated(KIND, 10),
    "/flaky": firstThen(1, truncated(KIND, 10), body(KIND)),
    "/busy": firstThen(1, status(503), body(KIND)),
  });
});
afterAll(async () => {
  await http.close();
  await rm(root, { recursive: true, force: true });
});

function opts(binDir: string, timeoutMs = 20 * POLL): InstallOptions {
  return { binDir, timeoutMs, intervalMs: POLL / 5 };
}
const kind = (path: string, sha256 = sha(KIND)): ToolDownload => ({
  name: "kind", version: "v0.33.0", platform: "linux-amd64", url: http.url(path), sha256,
});
const helm = (path: string): ToolDownload => ({
  name: "helm", version: "v3.21.3", platform: "linux-amd64", url: http.url(path), sha256: sha(path === "/helm.tar.gz" ? helmTgz : noMemberTgz),
  archiveMember: "linux-amd64/helm",
});
const fresh = () => mkdtemp(join(root, "bin-"));
const runs = async (path: string) => (await execa(path, [])).stdout;
const leftovers = async (dir: string) => (await readdir(dir)).filter((f) => f.startsWith("."));

describe("secretproof tools install: download, verify, install", () => {
  it("installs a binary whose sha256 is the pinned one, executable, and leaves it alone on the next run", async () => {
    const dir = await fresh();
    const first = await installTool(kind("/kind"), opts(dir));
    expect(first).toMatchObject({ action: "installed", path: join(dir, "kind") });
    expect(await runs(first.path)).toBe("kind v0.33.0 go1.25.3 linux/amd64");
    expect((await stat(first.path)).mode & 0o777).toBe(0o755);
    const hits = http.hits("/kind");
    expect((await installTool(kind("/kind"), opts(dir))).action).toBe("present");
    expect(http.hits("/kind")).toBe(hits);
    expect(await leftovers(dir)).toEqual([]);
  });

  it("extracts helm from a real tar.gz with tar after checking the archive's sha256", async () => {
    const dir = await fresh();
    const [done] = await installTools([helm("/helm.tar.gz")], opts(dir));
    expect(await runs(done!.path)).toBe("v3.21.3+gtest");
    expect(await leftovers(dir)).toEqual([]);
  });

  it("refuses a download whose sha256 differs from the pin, naming both, and keeps the binary already there", async () => {
    const dir = await fresh();
    await installTool(kind("/kind"), opts(dir));
    const wrong = "0".repeat(64);
    const err = await installTools([kind("/kind", wrong)], opts(dir)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(`has sha256 ${sha(KIND)} (${KIND.length} bytes); clusters/versions.ts pins ${wrong}: refusing to install it`);
    expect((err as Error).message).toMatch(/^installing kind v0\.33\.0 for linux-amd64 into .* failed/);
    expect(await runs(join(dir, "kind"))).toBe("kind v0.33.0 go1.25.3 linux/amd64");
    expect(await leftovers(dir)).toEqual([]);
  });

  it("fails a download that always breaks off, saying how many bytes of how many arrived", async () => {
    const dir = await fresh();
    const err = (await installTool(kind("/truncated"), opts(dir, 4 * POLL)).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/timed out waiting for kind v0\.33\.0 linux-amd64 from http:\/\/127\.0\.0\.1:\d+\/truncated/);
    expect(err.message).toMatch(new RegExp(`broke off after \\d+ of ${KIND.length} bytes|ended after \\d+ of the ${KIND.length} bytes`));
    expect(http.hits("/truncated")).toBeGreaterThan(1);
    expect(await readdir(dir)).toEqual([]);
  });

  it("tries again after a broken transfer or a 503, within the bound", async () => {
    for (const path of ["/flaky", "/busy"]) {
      const dir = await fresh();
      expect((await installTool(kind(path), opts(dir))).action).toBe("installed");
      expect(http.hits(path)).toBe(2);
    }
  });

  it("fails at once on a 404, naming the URL", async () => {
    const err = (await installTool(kind("/nowhere"), opts(await fresh())).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/nowhere answered 404/);
    expect(http.hits("/nowhere")).toBe(1);
  });

  it("names the tar command when the verified archive lacks the binary", async () => {
    const err = (await installTool(helm("/no-member.tar.gz"), opts(await fresh())).catch((e: Error) => e)) as Error;
    expect(err.message).toMatch(/^tar -xzf .*download linux-amd64\/helm failed: /);
  });

  it("downloads again when the installed binary no longer matches what was installed", async () => {
    const dir = await fresh();
    await installTool(kind("/kind"), opts(dir));
    await writeFile(join(dir, "kind"), script("tampered"), { mode: 0o755 });
    const hits = http.hits("/kind");
    expect((await installTool(kind("/kind"), opts(dir))).action).toBe("installed");
    expect(http.hits("/kind")).toBe(hits + 1);
    expect(await runs(join(dir, "kind"))).toBe("kind v0.33.0 go1.25.3 linux/amd64");
  });
});
