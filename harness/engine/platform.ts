/**
 * Which engine runs the containers, told from `docker info --format '{{json .}}'`
 * (docker/cli v29.7.2 cli/command/system/info.go:42-52 embeds the daemon's
 * system.Info at the top level; moby api/types/system/info.go:39-55 names
 * CgroupVersion, KernelVersion, OperatingSystem, OSType, Architecture, NCPU,
 * MemTotal, Name). The strings each engine reports, as seen upstream:
 * - Docker Desktop: OperatingSystem "Docker Desktop", kernel "…-linuxkit"
 *   (docker/for-mac#7108 "6.5.11-linuxkit", docker/for-mac#7402 "6.10.0-linuxkit");
 *   on Windows with the WSL 2 backend the kernel is WSL's
 *   "…-microsoft-standard-WSL2" (docker/desktop-feedback#391 "6.6.114.1-microsoft-standard-WSL2").
 * - OrbStack: kernel "…-orbstack-…" (orbstack/orbstack#1 "6.1.23-orbstack-00113-g6614aaccb205-dirty",
 *   orbstack/orbstack#851 "6.5.10-orbstack"), OperatingSystem "OrbStack" in current releases.
 * - Colima: host name "colima", "colima-<profile>" for other profiles
 *   (abiosoft/colima embedded/defaults/colima.yaml `hostname`), an Ubuntu VM.
 * - Rancher Desktop: host name "lima-rancher-desktop", Alpine "…-virt" kernel
 *   (public `docker info` transcripts: "Kernel Version: 6.6.51-0-virt", "Operating System: Alpine Linux v3.20").
 * - A Docker Engine inside a WSL 2 distribution: the distribution's OperatingSystem and the WSL 2 kernel.
 */

export interface EngineInfo {
  name: string;
  operatingSystem: string;
  kernelVersion: string;
  /** "1" or "2"; "" when the daemon does not say. */
  cgroupVersion: string;
  ncpu: number;
  memTotalBytes: number;
  architecture: string;
}

export type PlatformId = "linux" | "docker-desktop" | "docker-desktop-wsl2" | "wsl2" | "colima" | "orbstack" | "rancher-desktop" | "unknown";

export const PLATFORM_NAMES: Record<PlatformId, string> = {
  linux: "Docker Engine on Linux (the host kernel)",
  "docker-desktop": "Docker Desktop (its LinuxKit VM)",
  "docker-desktop-wsl2": "Docker Desktop with the WSL 2 backend (the WSL 2 VM)",
  wsl2: "Docker Engine in a WSL 2 distribution (the WSL 2 VM)",
  colima: "Colima (its Lima VM)",
  orbstack: "OrbStack (its VM)",
  "rancher-desktop": "Rancher Desktop (its Lima VM)",
  unknown: "an unrecognised container engine",
};

/** Parses `docker info --format '{{json .}}'`; throws naming the missing or mistyped field. */
export function parseDockerInfo(text: string): EngineInfo {
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`docker info --format '{{json .}}' printed no JSON (${text.length} bytes): ${text.slice(0, 200)}`, { cause: err });
  }
  const str = (k: string, optional = false): string => {
    const x = v[k];
    if (typeof x === "string") return x;
    if (optional && x === undefined) return "";
    throw new Error(`docker info JSON has no string ${k} (got ${JSON.stringify(x)})`);
  };
  const num = (k: string): number => {
    const x = v[k];
    if (typeof x === "number" && Number.isFinite(x)) return x;
    throw new Error(`docker info JSON has no number ${k} (got ${JSON.stringify(x)})`);
  };
  return {
    name: str("Name"),
    operatingSystem: str("OperatingSystem"),
    kernelVersion: str("KernelVersion"),
    cgroupVersion: str("CgroupVersion", true),
    ncpu: num("NCPU"),
    memTotalBytes: num("MemTotal"),
    architecture: str("Architecture", true),
  };
}

/** The engine behind `info`; `hostPlatform` is the machine the CLI runs on (process.platform). */
export function identifyPlatform(info: EngineInfo, hostPlatform: NodeJS.Platform): PlatformId {
  const kernel = info.kernelVersion.toLowerCase();
  const desktop = info.operatingSystem === "Docker Desktop";
  if (kernel.includes("microsoft-standard-wsl2")) return desktop ? "docker-desktop-wsl2" : "wsl2";
  if (desktop || kernel.includes("linuxkit")) return "docker-desktop";
  if (kernel.includes("orbstack") || info.operatingSystem === "OrbStack") return "orbstack";
  if (info.name === "lima-rancher-desktop") return "rancher-desktop";
  if (info.name === "colima" || info.name.startsWith("colima-")) return "colima";
  return hostPlatform === "linux" ? "linux" : "unknown";
}
