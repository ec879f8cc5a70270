import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { versions } from "../../clusters/versions.ts";
import { formatPreflight, preflight, type PreflightEnv } from "../../harness/preflight.ts";
import { compareVersions, DOCKER_NODE, enginesFloor, OFFLINE_NODE } from "../../harness/preflight-node.ts";

function env(over: Partial<PreflightEnv> = {}): PreflightEnv {
  return {
    platform: "linux",
    nodeVersion: "22.22.0",
    run: async (file) => {
      const out: Record<string, string> = {
        docker: "27.3.1",
        kind: `kind ${versions.kind.cli} go1.25.3 linux/amd64`,
        kubectl: `Client Version: ${versions.kubectl.cli}\nKustomize Version: v5.7.1`,
        helm: `${versions.helm.cli}+g3d8990f`,
        etcd: "etcd Version: 3.5.17",
        etcdctl: "etcdctl version: 3.5.17",
      };
      return { exitCode: 0, stdout: out[file] ?? "", stderr: "" };
    },
    exists: async () => true,
    which: async (f) => `/usr/bin/${f}`,
    findPgBindir: async () => "/usr/lib/postgresql/15/bin",
    findPython: async () => "/usr/bin/python3",
    ...over,
  };
}

describe("preflight", () => {
  it("passes when every e2e prerequisite is present, reporting versions", async () => {
    const r = await preflight("e2e", env());
    expect(r.ok).toBe(true);
    expect(r.results.map((c) => c.name)).toEqual(["Node.js", "Docker daemon", "kind", "kubectl", "helm", "kernel BTF"]);
    expect(formatPreflight(r)).toContain(`kind ${versions.kind.cli} go1.25.3 linux/amd64 (/usr/bin/kind)`);
  });

  it("names an unreachable Docker daemon with how to fix it", async () => {
    const base = env();
    const r = await preflight(
      "e2e",
      env({
        run: async (file, args) =>
          file === "docker"
            ? { exitCode: 1, stdout: "", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" }
            : base.run(file, args),
      }),
    );
    expect(r.ok).toBe(false);
    const text = formatPreflight(r);
    expect(text).toMatch(/MISSING {2}Docker daemon: Docker daemon not reachable: Cannot connect/);
    expect(text).toContain("fix: install Docker");
    expect(text).toMatch(/missing: Docker daemon$/);
  });

  it("names each missing CLI and missing BTF together", async () => {
    const r = await preflight(
      "e2e",
      env({ which: async (f) => (f === "helm" || f === "kind" ? undefined : `/usr/bin/${f}`), exists: async () => false }),
    );
    expect(r.results.filter((c) => !c.ok).map((c) => c.name)).toEqual(["kind", "helm", "kernel BTF"]);
    expect(formatPreflight(r)).toContain("CONFIG_DEBUG_INFO_BTF");
  });

  it("does not demand BTF of a macOS host (kind runs in a Linux VM there)", async () => {
    const r = await preflight("e2e", env({ platform: "darwin", exists: async () => false }));
    expect(r.ok).toBe(true);
  });

  it("names the local tier's servers and python modules", async () => {
    const r = await preflight(
      "local",
      env({ findPgBindir: async () => undefined, findPython: async () => undefined, which: async (f) => (f === "etcdctl" ? undefined : `/usr/bin/${f}`) }),
    );
    const text = formatPreflight(r);
    expect(text).toContain("PostgreSQL server binaries");
    expect(text).toContain("apt-get install postgresql-15");
    expect(text).toContain("etcdctl is not on PATH");
    expect(text).toContain("python3-flask python3-psycopg2");
  });

  it("rejects a Node.js older than 20.19", async () => {
    const r = await preflight("unit", env({ nodeVersion: "18.20.4" }));
    expect(r.ok).toBe(false);
  });

  it("names the pinned version and `tools install` when a CLI on PATH is another version", async () => {
    const run: PreflightEnv["run"] = async (file) =>
      file === "kind" || file === "helm"
        ? { exitCode: 0, stdout: file === "kind" ? "kind v0.30.0 go1.24 linux/amd64" : "v3.21.30+gabc", stderr: "" }
        : env().run(file, []);
    const r = await preflight("e2e", env({ run }));
    expect(r.results.filter((c) => !c.ok).map((c) => c.name)).toEqual(["kind", "helm"]);
    const text = formatPreflight(r);
    expect(text).toContain(`MISSING  kind: /usr/bin/kind is kind v0.30.0 go1.24 linux/amd64, not the pinned ${versions.kind.cli}`);
    expect(text).toContain(`/usr/bin/helm is v3.21.30+gabc, not the pinned ${versions.helm.cli}`);
    expect(text).toContain("fix: npx secretproof tools install");
  });
});

describe("the Node.js each tier needs", () => {
  const tiers = ["unit", "local", "component", "e2e"] as const;
  const verdicts = async (nodeVersion: string) =>
    Object.fromEntries(await Promise.all(tiers.map(async (t) => [t, (await preflight(t, env({ nodeVersion }))).ok] as const)));

  it("lets the offline tiers run on Node 20.19+, and refuses the Docker tiers below the testcontainers floor", async () => {
    expect(await verdicts("20.20.2")).toEqual({ unit: true, local: true, component: false, e2e: false });
    expect(await verdicts("22.21.1")).toEqual({ unit: true, local: true, component: false, e2e: false });
    expect(await verdicts("22.22.0")).toEqual({ unit: true, local: true, component: true, e2e: true });
    expect(await verdicts("24.3.0")).toEqual({ unit: true, local: true, component: true, e2e: true });
    expect(await verdicts("20.18.3")).toEqual({ unit: false, local: false, component: false, e2e: false });
  });

  it("names testcontainers and undici when Node is too old for the component tier", async () => {
    const text = formatPreflight(await preflight("component", env({ nodeVersion: "22.19.0" })));
    expect(text).toContain("MISSING  Node.js: Node.js v22.19.0 is older than 22.22.0, which testcontainers 12.2.0");
    expect(text).toContain("undici 8.13.1");
  });

  it("compares versions numerically, not as text", () => {
    expect(compareVersions("22.9.0", "22.19.0")).toBe(-1);
    expect(compareVersions("v22.22.0", "22.22")).toBe(0);
    expect(compareVersions("23.0.0", "22.22.0")).toBe(1);
    expect(enginesFloor(">= 22.22")).toBe("22.22.0");
    expect(enginesFloor(">=22.19.0")).toBe("22.19.0");
    expect(enginesFloor("^20.19.0 || >=22.12.0")).toBeUndefined();
  });

  it("holds the floors the installed packages' engines set, and package.json's engines says the Docker one", async () => {
    const pkg = async (p: string) => JSON.parse(await readFile(p, "utf8")) as { version: string; engines?: { node?: string } };
    const floors = await Promise.all(
      ["node_modules/testcontainers/package.json", "node_modules/undici/package.json"].map(async (p) => {
        const j = await pkg(p);
        const floor = enginesFloor(j.engines?.node ?? "");
        expect(floor, `${p} engines ${j.engines?.node}`).toBeDefined();
        expect(DOCKER_NODE.setBy).toContain(`${p.split("/")[1]} ${j.version}`);
        return floor!;
      }),
    );
    expect(floors.reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b))).toBe(DOCKER_NODE.version);
    expect((await pkg("package.json")).engines?.node).toBe(`>=${DOCKER_NODE.version}`);
    expect((await pkg("node_modules/vite/package.json")).engines?.node).toBe("^20.19.0 || >=22.12.0");
    expect(OFFLINE_NODE.version).toBe("20.19.0");
  });
});

describe("secretproof preflight (the real CLI on this machine)", () => {
  it("fails naming Docker when no Docker daemon is reachable", async () => {
    // DOCKER_HOST points at a socket that cannot exist, so the daemon is unreachable on every machine.
    const env = { ...process.env, DOCKER_HOST: "unix:///nonexistent/secretproof-no-docker.sock" };
    const r = await execa("node", ["bin/secretproof.js", "preflight", "--tier", "e2e"], { reject: false, env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/MISSING {2}Docker daemon/);
    expect(r.stderr).toMatch(/missing: .*Docker daemon/);
  });

  it("rejects an unknown tier with a usage error", async () => {
    const r = await execa("node", ["bin/secretproof.js", "preflight", "--tier", "prod"], { reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain("choose one of unit, local, component, e2e");
  });
});
