import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { formatPreflight, preflight, type PreflightEnv } from "../../harness/preflight.ts";

function env(over: Partial<PreflightEnv> = {}): PreflightEnv {
  return {
    platform: "linux",
    nodeVersion: "22.11.0",
    run: async (file) => {
      const out: Record<string, string> = {
        docker: "27.3.1",
        kind: "kind v0.30.0 go1.24 linux/amd64",
        kubectl: "Client Version: v1.34.1",
        helm: "v3.19.0+g3d8990f",
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
    expect(formatPreflight(r)).toContain("kind v0.30.0");
  });

  it("names an unreachable Docker daemon with how to fix it", async () => {
    const r = await preflight(
      "e2e",
      env({
        run: async (file) =>
          file === "docker"
            ? { exitCode: 1, stdout: "", stderr: "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" }
            : { exitCode: 0, stdout: "v1", stderr: "" },
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
