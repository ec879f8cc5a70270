import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { pinnedTools, platformOf, UnpinnedPlatformError } from "../../../harness/tools/catalog.ts";
import { prependPath, toolsBinDir, usePinnedTools } from "../../../harness/tools/paths.ts";

describe("the pinned CLIs per platform", () => {
  it("downloads linux-amd64 from the upstream release locations with the sha256 clusters/versions.ts pins", () => {
    const byName = Object.fromEntries(pinnedTools("linux-amd64").map((t) => [t.name, t]));
    expect(byName.kind).toMatchObject({
      url: `https://github.com/kubernetes-sigs/kind/releases/download/${versions.kind.cli}/kind-linux-amd64`,
      sha256: versions.kind.cliSha256LinuxAmd64,
    });
    expect(byName.kubectl).toMatchObject({
      url: `https://dl.k8s.io/release/${versions.kubectl.cli}/bin/linux/amd64/kubectl`,
      sha256: versions.kubectl.sha256LinuxAmd64,
    });
    expect(byName.helm).toMatchObject({
      url: `https://get.helm.sh/helm-${versions.helm.cli}-linux-amd64.tar.gz`,
      sha256: versions.helm.sha256LinuxAmd64,
      archiveMember: "linux-amd64/helm",
    });
  });

  it("refuses a platform without pins for every CLI, naming the platform, each missing key and where upstream publishes it", () => {
    let err: unknown;
    try {
      pinnedTools("darwin-arm64");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnpinnedPlatformError);
    const msg = (err as Error).message;
    expect(msg).toContain("no pinned sha256 for darwin-arm64, so nothing was downloaded");
    expect(msg).toContain(`add kind.cliSha256DarwinArm64 to clusters/versions.ts, the value published at https://github.com/kubernetes-sigs/kind/releases/download/${versions.kind.cli}/kind-darwin-arm64.sha256sum`);
    expect(msg).toContain(`add kubectl.sha256DarwinArm64 to clusters/versions.ts, the value published at https://dl.k8s.io/release/${versions.kubectl.cli}/bin/darwin/arm64/kubectl.sha256`);
    expect(msg).not.toContain("helm");
  });

  it("refuses a platform no upstream release ships, naming it and the ones it knows", () => {
    expect(() => pinnedTools("windows-amd64")).toThrow(
      "no pinned kind, kubectl and helm for platform windows-amd64: secretproof tools install knows linux-amd64, linux-arm64, darwin-amd64, darwin-arm64",
    );
  });

  it("names Node's platform and arch the way release assets do", () => {
    expect(platformOf("linux", "x64")).toBe("linux-amd64");
    expect(platformOf("darwin", "arm64")).toBe("darwin-arm64");
    expect(platformOf("win32", "x64")).toBeUndefined();
    expect(platformOf("linux", "ia32")).toBeUndefined();
  });
});

describe("the pinned CLIs come first on the harness's PATH", () => {
  it("installs under the state root, beside the cluster state directories", () => {
    expect(toolsBinDir({ SECRETPROOF_STATE_DIR: "/srv/sp" })).toBe("/srv/sp/tools/bin");
    expect(toolsBinDir({ HOME: "/home/u" })).toMatch(/\/\.secretproof\/tools\/bin$/);
  });

  it("prepends the directory once, however often it is applied", () => {
    const once = prependPath("/t/bin", ["/usr/bin", "/t/bin", "/bin"].join(delimiter));
    expect(once).toBe(["/t/bin", "/usr/bin", "/bin"].join(delimiter));
    expect(prependPath("/t/bin", once)).toBe(once);
  });

  it("makes a child process started by name find the installed CLI before one elsewhere on PATH", async () => {
    const root = await mkdtemp(join(tmpdir(), "secretproof-path-"));
    try {
      const other = join(root, "other");
      const env: NodeJS.ProcessEnv = { SECRETPROOF_STATE_DIR: root, PATH: [other, process.env.PATH].join(delimiter) };
      const dir = usePinnedTools(env);
      for (const [d, text] of [[other, "other kind"], [dir, "pinned kind"]] as const) {
        await mkdir(d, { recursive: true });
        await writeFile(join(d, "kind"), `#!/bin/sh\necho ${text}\n`, { mode: 0o755 });
      }
      const r = await execa("kind", [], { env, extendEnv: false });
      expect(r.stdout).toBe("pinned kind");
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
