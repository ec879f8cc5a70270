import { mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { detectionFamily } from "../../../harness/claims/detection/family.ts";
import type { ClaimId } from "../../../harness/claims/verdict.ts";
import { sha256Hex } from "../../../harness/evidence/manifest.ts";
import { packBundle, writePack } from "../../../harness/provenance/pack.ts";
import { tarArchive } from "../../../harness/provenance/tar.ts";
import { verifierExpectations } from "../../../harness/report/own-expectations.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { verifyExitCode } from "../../../harness/report/verify-format.ts";
import { buildDetectionBundle, smallCatalogue, writeCatalogueFile } from "../../support/build-detection-bundle.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-pack-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A bundle-shaped directory written in the given order, every file with the given mtime. */
async function tree(dir: string, files: [string, string][], mtime: Date): Promise<string> {
  for (const [path, text] of files) {
    await mkdir(join(dir, path, ".."), { recursive: true });
    await writeFile(join(dir, path), text, { mode: 0o600 });
    await utimes(join(dir, path), mtime, mtime);
  }
  return dir;
}

const FILES: [string, string][] = [
  ["run.json", "{}\n"],
  ["SHA256SUMS", ""],
  ["detection/alerts.jsonl", "{\"rule\":\"x\"}\n"],
  ["a/b/c.json", "[1]"],
];

describe("secretproof pack: a deterministic archive of a bundle", () => {
  it("gives the same bytes for the same files, whatever their mtimes, modes, creation order or directory", async () => {
    const one = await packBundle(await tree(join(root, "one"), FILES, new Date("2026-01-01T00:00:00Z")));
    const two = await packBundle(await tree(join(root, "elsewhere", "two"), [...FILES].reverse(), new Date("2027-06-15T12:34:56Z")));
    expect(two.archive.equals(one.archive)).toBe(true);
    expect(one.sha256).toBe(sha256Hex(one.archive));
    expect(one.files).toEqual(["SHA256SUMS", "a/b/c.json", "detection/alerts.jsonl", "run.json"]);
  });

  it("gives different bytes when one byte of one file differs", async () => {
    const one = await packBundle(await tree(join(root, "one"), FILES, new Date(0)));
    const two = await packBundle(await tree(join(root, "two"), FILES.map(([p, t]) => [p, p === "a/b/c.json" ? "[2]" : t]), new Date(0)));
    expect(two.sha256).not.toBe(one.sha256);
  });

  it("writes headers the system tar reads as mode 0644, uid/gid 0, mtime 0", async () => {
    const out = join(root, "p.tar");
    await writeFile(out, tarArchive([{ path: "x/y.txt", data: Buffer.from("hi\n") }]));
    const listed = await execa("tar", ["--numeric-owner", "--utc", "-tvf", out]);
    expect(listed.stdout).toMatch(/^-rw-r--r-- 0\/0 +3 1970-01-01 00:00 x\/y\.txt$/);
  });

  it("packs a path longer than 100 bytes with the ustar prefix, and refuses one that no split fits", async () => {
    const long = `${"d".repeat(120)}/file.json`;
    const out = join(root, "long.tar");
    await writeFile(out, tarArchive([{ path: long, data: Buffer.from("{}") }]));
    expect((await execa("tar", ["-tf", out])).stdout).toBe(long);
    expect(() => tarArchive([{ path: "e".repeat(101), data: Buffer.alloc(0) }])).toThrow(/at most 100 bytes/);
  });

  it("refuses a directory that is not a bundle, a symlink inside it, and an archive written into the bundle", async () => {
    await expect(packBundle(await tree(join(root, "no"), [["x.json", "{}"]], new Date(0)))).rejects.toThrow(/has no run\.json or SHA256SUMS, so it is not an evidence bundle/);
    const dir = await tree(join(root, "link"), FILES, new Date(0));
    await symlink("/etc/hostname", join(dir, "host"));
    await expect(packBundle(dir)).rejects.toThrow(/host is neither a regular file nor a directory/);
    const ok = await tree(join(root, "ok"), FILES, new Date(0));
    await expect(writePack(ok, join(ok, "pack.tar"))).rejects.toThrow(/inside the bundle/);
  });

  it("round-trips: the system tar unpacks a packed bundle that still verifies and packs to the same digest", async () => {
    const genuine = await writeCatalogueFile(root, "genuine.yaml", smallCatalogue(["cat", "proc-mem"]));
    const dir = await buildDetectionBundle(root);
    const out = join(root, "evidence.tar");
    const printed = await execa("node", ["bin/secretproof.js", "pack", dir, "--out", out]);
    const pack = await readFile(out);
    expect(printed.stdout).toBe(`${sha256Hex(pack)}  ${out}`);
    const unpacked = join(root, "unpacked");
    await mkdir(unpacked);
    await execa("tar", ["-xf", out, "-C", unpacked]);
    const opts = { families: [detectionFamily], requiredClaims: ["F1", "F2"] as ClaimId[], expectations: verifierExpectations("ci", { catalogueFile: genuine }) };
    const r = await verifyBundle(unpacked, opts);
    expect(r.integrity).toEqual([]);
    expect(verifyExitCode(r)).toBe(0);
    expect((await packBundle(unpacked)).sha256).toBe(sha256Hex(pack));
    await expect(verifyBundle(out, opts), "verify reads a directory and says how to get one").rejects.toThrow(/is not a directory: .*unpack it first, `mkdir DIR && tar -xf .*evidence\.tar -C DIR`/);
  });
});
