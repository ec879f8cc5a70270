import { describe, expect, it } from "vitest";
import { execa } from "execa";
import { PROBE_SCRIPT, parseProbeOutput, probeArgs } from "../../../harness/engine/probe-output.ts";
import { CHART_CONTAINERS, manifestContainers, stackNeed } from "../../../harness/engine/stack-needs.ts";
import { versions } from "../../../clusters/versions.ts";
import { engineChecks } from "../../../harness/engine/collect.ts";
import { probeOutput } from "../../support/engine-samples.ts";

describe("the engine probe's output", () => {
  it("parses every field, the config options it prints, and absent values", () => {
    const k = parseProbeOutput(probeOutput({ release: "6.8.0-1021-azure", btf: 5_912_000, config: "/proc/config.gz", options: ["CONFIG_KPROBES=y", "CONFIG_BPF_LSM=y"] }));
    expect(k).toMatchObject({ release: "6.8.0-1021-azure", arch: "x86_64", btfBytes: 5_912_000, cgroupFs: "cgroup2fs", configSource: "/proc/config.gz" });
    expect(k.config).toEqual({ CONFIG_KPROBES: "y", CONFIG_BPF_LSM: "y" });
    expect(k.lsm).toContain("apparmor");
    const bare = parseProbeOutput(probeOutput({ release: "6.10.14-linuxkit", lsm: "unreadable" }));
    expect(bare.btfBytes).toBeUndefined();
    expect(bare.lsm).toBeUndefined();
    expect(bare.configSource).toBeUndefined();
  });

  it("rejects truncated output, another program's output and malformed lines, quoting them", () => {
    const good = probeOutput({ release: "6.8.0" });
    expect(() => parseProbeOutput(good.replace("end\n", ""))).toThrow("no 'end' line (truncated)");
    expect(() => parseProbeOutput("Unable to find image\n")).toThrow("not the probe's output");
    expect(() => parseProbeOutput(good.replace("btf=absent", "btf=lots"))).toThrow("btf=lots, neither a size nor 'absent'");
    expect(() => parseProbeOutput(good.replace("arch=x86_64\n", "garbage\n"))).toThrow('a line that is not key=value: "garbage"');
    expect(() => parseProbeOutput(good.replace(/cgroupfs=.*\n/, ""))).toThrow("no cgroupfs= line");
  });

  it("runs as POSIX sh on this machine's kernel and prints what the parser reads", async () => {
    const r = await execa("sh", ["-c", PROBE_SCRIPT], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const k = parseProbeOutput(r.stdout);
    expect(k.release).toBe((await execa("uname", ["-r"])).stdout.trim());
    expect(k.cgroupFs).toMatch(/^[a-z0-9]+$/);
  });

  it("runs the pinned node image privileged with sh as the entrypoint", () => {
    expect(probeArgs(versions.kind.nodeImage).slice(0, 7)).toEqual(["run", "--rm", "--privileged", "--pid=host", "--entrypoint", "sh", versions.kind.nodeImage]);
  });
});

describe("what the stack needs", () => {
  it("reads the app's and Postgres's resources from the manifests up applies", () => {
    expect(manifestContainers().map(({ what, cpuRequestMilli, memRequestMi, memLimitMi }) => ({ what, cpuRequestMilli, memRequestMi, memLimitMi }))).toEqual([
      { what: "the app", cpuRequestMilli: 50, memRequestMi: 64, memLimitMi: 256 },
      { what: "Postgres", cpuRequestMilli: 100, memRequestMi: 128, memLimitMi: 512 },
    ]);
  });

  it("sums CPU requests (rounded up to whole CPUs) and memory limits, requests where a container has no limit", () => {
    const need = stackNeed([...CHART_CONTAINERS, ...manifestContainers()]);
    expect(need.cpuRequestMilli).toBe(1180);
    expect(need.cpus).toBe(2);
    expect(need.memoryBytes).toBe(2760 * 1024 * 1024);
    expect(stackNeed([{ what: "x", count: 2, cpuRequestMilli: 600, memRequestMi: 100, source: "" }])).toMatchObject({ cpus: 2, memoryBytes: 200 * 1024 * 1024 });
    for (const c of CHART_CONTAINERS) expect(c.source, c.what).not.toBe("");
  });
});

/** A docker whose info works and whose node image is absent; `pull` and `probe` answer the rest; each call advances the clock by `stepMs`. */
function absentImage(stepMs: number, pull: () => { exitCode: number; stderr: string }, probeStderr = "") {
  let t = 0;
  const timeouts: [string, number | undefined][] = [];
  const env = {
    platform: "linux" as const,
    which: async () => "/usr/bin/docker",
    budgetMs: 120_000,
    pull: { budgetMs: 300_000, intervalMs: 2_000, sleep: async (ms: number) => void (t += ms) },
    now: () => t,
    run: async (_file: string, args: string[], opts?: { timeoutMs?: number }) => {
      timeouts.push([args[0]!, opts?.timeoutMs]);
      t += stepMs;
      if (args[0] === "info") return { exitCode: 0, stdout: "{}", stderr: "" };
      if (args[0] === "image") return { exitCode: 1, stdout: "", stderr: "Error: No such image" };
      if (args[0] === "pull") return { stdout: "", ...pull() };
      return { exitCode: 1, stdout: "", stderr: probeStderr };
    },
  };
  return { env, timeouts };
}

describe("the engine probe's commands", () => {
  it("gives docker info and inspect one budget, retries a failed pull within its own, and names the last failure", async () => {
    const { env, timeouts } = absentImage(30_000, () => ({ exitCode: 1, stderr: "toomanyrequests: rate limit" }));
    const checks = await engineChecks(env);
    expect(timeouts.slice(0, 3)).toEqual([["info", 120_000], ["image", 90_000], ["pull", 300_000]]);
    expect(timeouts.filter(([c]) => c === "pull").length).toBeGreaterThan(3);
    expect(timeouts.filter(([c]) => c === "run")).toEqual([]);
    expect(checks).toEqual([
      {
        name: "engine kernel",
        ok: false,
        problem: expect.stringMatching(
          new RegExp(`^the pinned kind node image ${versions.kind.nodeImage.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not present locally and \`docker pull\` did not succeed within 300 s \\(waits.clusterCreate; \\d+ attempts, the last: toomanyrequests: rate limit\\)$`),
        ),
        fix: `docker pull ${versions.kind.nodeImage} (the image kind creates its node from; the engine probe runs on it), then run preflight again`,
      },
    ]);
  });

  it("probes with a whole budget once a pull that first failed succeeds", async () => {
    let pulls = 0;
    const { env, timeouts } = absentImage(10_000, () => (++pulls === 1 ? { exitCode: 1, stderr: "EOF" } : { exitCode: 0, stderr: "" }), "docker: Error response from daemon: privileged mode is disabled");
    const checks = await engineChecks(env);
    expect(pulls).toBe(2);
    expect(timeouts.at(-1)).toEqual(["run", 120_000]);
    expect(checks[0]!.problem).toContain("exited 1: docker: Error response from daemon: privileged mode is disabled");
  });
  it("names a pull the registry refuses at once, without retrying it", async () => {
    let pulls = 0;
    const { env } = absentImage(10_000, () => (pulls++, { exitCode: 1, stderr: "Error response from daemon: manifest unknown" }));
    const checks = await engineChecks(env);
    expect(pulls).toBe(1);
    expect(checks[0]!.problem).toMatch(/`docker pull` was refused: Error response from daemon: manifest unknown$/);
  });
});
