import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { versions } from "../../clusters/versions.ts";
import { formatPreflight, preflight, type PreflightEnv } from "../../harness/preflight.ts";
import { compareVersions, DOCKER_NODE, enginesFloor, OFFLINE_NODE } from "../../harness/preflight-node.ts";
import { DESKTOP_INFO, dockerInfo, LINUX_INFO, LINUX_RELEASE, probeOutput, UBUNTU_OPTIONS, type ProbeSample } from "../support/engine-samples.ts";

const LINUX_PROBE: ProbeSample = { release: LINUX_RELEASE, btf: 6_180_000, config: `/boot/config-${LINUX_RELEASE}`, options: UBUNTU_OPTIONS };

/** docker as the preflight calls it: the daemon version, its info JSON, the node image, the engine probe. */
function docker(args: string[], info: string, probe: string, imagePresent = true) {
  const ok = (stdout: string) => ({ exitCode: 0, stdout, stderr: "" });
  if (args[0] === "info") return ok(args[2] === "{{json .}}" ? info : "27.3.1");
  if (args[0] === "image") return imagePresent ? ok("sha256:07b2536e") : { exitCode: 1, stdout: "", stderr: "Error: No such image" };
  if (args[0] === "pull") return ok("Status: Downloaded newer image");
  if (args[0] === "run") return ok(probe);
  return { exitCode: 1, stdout: "", stderr: `unexpected docker ${args.join(" ")}` };
}

function env(over: Partial<PreflightEnv> = {}): PreflightEnv {
  return {
    platform: "linux",
    nodeVersion: "22.22.0",
    run: async (file, args) => {
      if (file === "docker") return docker(args, dockerInfo(LINUX_INFO), probeOutput(LINUX_PROBE));
      const out: Record<string, string> = {
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
    expect(r.results.map((c) => c.name)).toEqual([
      ...["Node.js", "Docker daemon", "kind", "kubectl", "helm", "kind node image"],
      ...["engine kernel BTF", "engine kernel version", "engine kernel config", "engine cgroup v2", "engine memory", "engine CPUs"],
    ]);
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
    expect(text).toContain("MISSING  engine kernel: not probed: docker info failed: Cannot connect");
    expect(text).toMatch(/missing: Docker daemon, engine kernel$/);
  });

  it("names each missing CLI and the engine kernel's missing BTF together", async () => {
    const noBtf = probeOutput({ ...LINUX_PROBE, btf: undefined });
    const r = await preflight(
      "e2e",
      env({
        which: async (f) => (f === "helm" || f === "kind" ? undefined : `/usr/bin/${f}`),
        run: async (file, args) => (file === "docker" ? docker(args, dockerInfo(LINUX_INFO), noBtf) : env().run(file, args)),
      }),
    );
    expect(r.results.filter((c) => !c.ok).map((c) => c.name)).toEqual(["kind", "helm", "engine kernel BTF"]);
    expect(formatPreflight(r)).toContain("CONFIG_DEBUG_INFO_BTF");
  });

  it("on macOS checks the engine VM's kernel: Docker Desktop without BTF stops preflight naming the VM and the fix", async () => {
    const probe = probeOutput({ release: "6.10.14-linuxkit" });
    const r = await preflight("e2e", env({ platform: "darwin", run: async (file, args) => (file === "docker" ? docker(args, dockerInfo(DESKTOP_INFO), probe) : env().run(file, args)) }));
    expect(r.ok).toBe(false);
    const text = formatPreflight(r);
    expect(text).toContain("MISSING  engine kernel BTF: /sys/kernel/btf/vmlinux is missing in kernel 6.10.14-linuxkit");
    expect(text).toContain("Docker Desktop (its LinuxKit VM)");
    expect(text).toContain("fix: update Docker Desktop");
  });

  it("pulls the pinned node image for the probe only when it is absent, and says so", async () => {
    const calls: string[][] = [];
    const run: PreflightEnv["run"] = async (file, args) => {
      if (file !== "docker") return env().run(file, args);
      calls.push(args);
      return docker(args, dockerInfo(LINUX_INFO), probeOutput(LINUX_PROBE), false);
    };
    const r = await preflight("e2e", env({ run }));
    expect(r.ok).toBe(true);
    expect(calls.filter((a) => a[0] === "pull")).toEqual([["pull", versions.kind.nodeImage]]);
    expect(calls.find((a) => a[0] === "run")).toContain(versions.kind.nodeImage);
    expect(formatPreflight(r)).toContain("absent locally, pulled");
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
    const run: PreflightEnv["run"] = async (file, args) =>
      file === "kind" || file === "helm"
        ? { exitCode: 0, stdout: file === "kind" ? "kind v0.30.0 go1.24 linux/amd64" : "v3.21.30+gabc", stderr: "" }
        : env().run(file, args);
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
