import { describe, expect, it } from "vitest";
import { judgeEngine, kernelMajorMinor, type EngineCheck } from "../../../harness/engine/judge.ts";
import { identifyPlatform, parseDockerInfo, type PlatformId } from "../../../harness/engine/platform.ts";
import { parseProbeOutput } from "../../../harness/engine/probe-output.ts";
import { preflightNeed } from "../../../harness/engine/stack-needs.ts";
import {
  COLIMA_INFO,
  DESKTOP_INFO,
  dockerInfo,
  LINUX_INFO,
  LINUX_RELEASE,
  ORBSTACK_INFO,
  probeOutput,
  RANCHER_INFO,
  UBUNTU_OPTIONS,
  WSL2_DESKTOP_INFO,
  type InfoSample,
  type ProbeSample,
} from "../../support/engine-samples.ts";

const LINUX_PROBE: ProbeSample = { release: LINUX_RELEASE, btf: 6_180_000, config: `/boot/config-${LINUX_RELEASE}`, options: UBUNTU_OPTIONS };

function judge(probe: ProbeSample, info: InfoSample, host: NodeJS.Platform = "darwin"): EngineCheck[] {
  const engine = parseDockerInfo(dockerInfo(info));
  return judgeEngine({ kernel: parseProbeOutput(probeOutput(probe)), info: engine, platform: identifyPlatform(engine, host), need: preflightNeed() });
}

const failed = (checks: EngineCheck[]) => checks.filter((c) => !c.ok);
const only = (checks: EngineCheck[]) => {
  const f = failed(checks);
  expect(f, JSON.stringify(f)).toHaveLength(1);
  return f[0]!;
};

describe("the engine-kernel judge", () => {
  it("passes a stock Ubuntu kernel with BTF, cgroup v2 and enough memory and CPUs, naming what it found", () => {
    const checks = judge(LINUX_PROBE, LINUX_INFO, "linux");
    expect(failed(checks)).toEqual([]);
    const found = Object.fromEntries(checks.map((c) => [c.name, c.found]));
    expect(found["engine kernel BTF"]).toBe(`/sys/kernel/btf/vmlinux, 6180000 bytes, in kernel ${LINUX_RELEASE}`);
    expect(found["engine kernel config"]).toContain("CONFIG_BPF_KPROBE_OVERRIDE=y, CONFIG_FPROBE=y, CONFIG_BPF_LSM=y");
    expect(found["engine memory"]).toBe("15.6 GiB (the stack needs at least 2.7 GiB)");
  });

  it("names the VM and the fix when its kernel has no BTF", () => {
    const desktop = only(judge({ release: "6.10.14-linuxkit" }, { ...DESKTOP_INFO }));
    expect(desktop.problem).toContain("/sys/kernel/btf/vmlinux is missing in kernel 6.10.14-linuxkit");
    expect(desktop.problem).toContain('Docker Desktop (its LinuxKit VM): docker info reports "Docker Desktop"');
    expect(desktop.fix).toContain("update Docker Desktop");
    const colima = only(judge({ release: "5.15.0-88-generic" }, { ...COLIMA_INFO, memGiB: 8, ncpu: 4 }));
    expect(colima.problem).toContain("Colima (its Lima VM)");
    expect(colima.fix).toContain("colima delete && colima start --vm-type vz");
    const wsl = only(judge({ release: "6.6.114.1-microsoft-standard-WSL2" }, WSL2_DESKTOP_INFO, "win32"));
    expect(wsl.problem).toContain("Docker Desktop with the WSL 2 backend");
    expect(wsl.fix).toContain("wsl --update");
  });

  it("refuses cgroup v1, citing the kubelet's failCgroupV1 default", () => {
    const c = only(judge({ ...LINUX_PROBE, cgroupFs: "tmpfs" }, { ...LINUX_INFO, cgroup: "1" }, "linux"));
    expect(c.name).toBe("engine cgroup v2");
    expect(c.problem).toContain("/sys/fs/cgroup is tmpfs, not cgroup2fs (cgroup v1)");
    expect(c.problem).toContain("failCgroupV1");
    expect(c.fix).toContain("systemd.unified_cgroup_hierarchy=1");
  });

  it("names too little memory with the summed need, its source and the platform's setting", () => {
    const c = only(judge({ ...LINUX_PROBE, release: "6.8.0-50-generic" }, COLIMA_INFO));
    expect(c.name).toBe("engine memory");
    expect(c.problem).toContain("the engine has 1.9 GiB of memory; the stack needs at least 2.7 GiB");
    expect(c.problem).toContain("memory limits (2760 MiB)");
    expect(c.fix).toBe("colima stop && colima start --cpu 2 --memory 3");
  });

  it("names too few CPUs with the stack's summed CPU requests", () => {
    const c = only(judge({ ...LINUX_PROBE, release: "6.10.14-linuxkit" }, { ...DESKTOP_INFO, ncpu: 1 }));
    expect(c.name).toBe("engine CPUs");
    expect(c.problem).toContain("the engine has 1 CPU(s); the stack's Pods request 1180m, so at least 2 are needed");
    expect(c.fix).toContain("Docker Desktop > Settings > Resources: set Memory to at least 3 GB and CPUs to at least 2");
  });

  it("judges an unrecognised engine too, with a generic fix", () => {
    const info: InfoSample = { name: "buildhost", os: "Fedora Linux 41", kernel: "6.11.4-301.fc41.x86_64", memGiB: 2 };
    const c = only(judge(LINUX_PROBE, info, "darwin"));
    expect(c.problem).toContain('an unrecognised container engine: docker info reports "Fedora Linux 41", kernel 6.11.4-301.fc41.x86_64');
    expect(c.fix).toBe("give the container engine's VM at least 3 GiB of memory and 2 CPUs");
  });

  it("refuses a kernel older than 5.8 and one whose config lacks kprobes", () => {
    expect(only(judge({ ...LINUX_PROBE, release: "5.4.0-150-generic" }, LINUX_INFO, "linux")).problem).toContain("older than 5.8");
    const noKprobes = UBUNTU_OPTIONS.filter((o) => !o.startsWith("CONFIG_KPROBES="));
    const c = only(judge({ ...LINUX_PROBE, options: noKprobes }, LINUX_INFO, "linux"));
    expect(c.problem).toContain("does not set CONFIG_KPROBES=y");
    expect(kernelMajorMinor("6.10.14-linuxkit")).toEqual([6, 10]);
    expect(kernelMajorMinor("unknown")).toBeUndefined();
  });
});

describe("telling engines apart from docker info", () => {
  it("identifies each platform from the strings it reports", () => {
    const cases: [InfoSample, NodeJS.Platform, PlatformId][] = [
      [LINUX_INFO, "linux", "linux"],
      [DESKTOP_INFO, "darwin", "docker-desktop"],
      [DESKTOP_INFO, "linux", "docker-desktop"],
      [WSL2_DESKTOP_INFO, "win32", "docker-desktop-wsl2"],
      [{ ...LINUX_INFO, kernel: "5.15.153.1-microsoft-standard-WSL2" }, "linux", "wsl2"],
      [COLIMA_INFO, "darwin", "colima"],
      [{ ...COLIMA_INFO, name: "colima-vz" }, "darwin", "colima"],
      [ORBSTACK_INFO, "darwin", "orbstack"],
      [{ ...ORBSTACK_INFO, os: "Alpine Linux edge (containerized)", kernel: "6.1.23-orbstack-00113-g6614aaccb205-dirty" }, "darwin", "orbstack"],
      [RANCHER_INFO, "darwin", "rancher-desktop"],
      [LINUX_INFO, "darwin", "unknown"],
    ];
    for (const [info, host, want] of cases) expect(identifyPlatform(parseDockerInfo(dockerInfo(info)), host), info.kernel).toBe(want);
  });

  it("names the field docker info lacks, and output that is not JSON", () => {
    expect(() => parseDockerInfo('{"Name":"x","OperatingSystem":"y","KernelVersion":"z","NCPU":"4","MemTotal":1}')).toThrow("no number NCPU");
    expect(() => parseDockerInfo("Cannot connect")).toThrow("printed no JSON");
  });
});
