import type { PlatformId } from "./platform.ts";

/** A prerequisite the engine's VM or kernel can lack. */
export type Lack = "kernel" | "memory" | "cpus" | "cgroup";

/** How much to give the VM, in the units each platform's setting takes. */
export interface Amounts {
  memoryGiB: number;
  cpus: number;
}

/*
 * Where each platform sets its VM's resources and kernel:
 * - Docker Desktop (macOS, Windows with Hyper-V): Settings > Resources; its
 *   LinuxKit kernel changes only with a Docker Desktop update (docker/for-mac#7108).
 * - Docker Desktop with the WSL 2 backend: "resource limits are managed by
 *   Windows" in .wslconfig (docker/docs#14523, quoting Docker Desktop's Resources page).
 * - WSL 2: %UserProfile%\.wslconfig [wsl2] memory=, processors=, kernel=
 *   (https://learn.microsoft.com/windows/wsl/wsl-config), applied by `wsl --shutdown`.
 * - Colima: `colima start --cpu N --memory N` (GiB; defaults 2 and 2 in
 *   abiosoft/colima embedded/defaults/colima.yaml); the VM type and image
 *   cannot change on an existing VM (abiosoft/colima v0.7.0 release notes).
 * - OrbStack: its memory and CPU limits in Settings (orbstack discussions #2233);
 *   no custom kernel (orbstack/orbstack#851: "Please use a normal VM if you need
 *   to use a custom kernel").
 * - Rancher Desktop: Preferences > Virtual Machine (macOS, Linux); .wslconfig on Windows.
 */
const WSLCONFIG = (a: Amounts) => `set [wsl2] memory=${a.memoryGiB}GB and processors=${a.cpus} in %UserProfile%\\.wslconfig, then run \`wsl --shutdown\``;
const WSL_KERNEL = "run `wsl --update` for Microsoft's current WSL 2 kernel, or point [wsl2] kernel= in %UserProfile%\\.wslconfig at a kernel built with the options above";

const RESOURCES: Record<PlatformId, (a: Amounts) => string> = {
  linux: (a) => `this machine has too little: run on one with at least ${a.memoryGiB} GiB and ${a.cpus} CPUs free, or stop other containers`,
  "docker-desktop": (a) => `Docker Desktop > Settings > Resources: set Memory to at least ${a.memoryGiB} GB and CPUs to at least ${a.cpus}, then Apply & restart`,
  "docker-desktop-wsl2": WSLCONFIG,
  wsl2: WSLCONFIG,
  colima: (a) => `colima stop && colima start --cpu ${a.cpus} --memory ${a.memoryGiB}`,
  orbstack: (a) => `OrbStack > Settings > System: raise the memory limit to at least ${a.memoryGiB} GB and the CPU limit to at least ${a.cpus}`,
  "rancher-desktop": (a) =>
    `Rancher Desktop > Preferences > Virtual Machine: Memory at least ${a.memoryGiB} GB, CPUs at least ${a.cpus} (on Windows: ${WSLCONFIG(a)})`,
  unknown: (a) => `give the container engine's VM at least ${a.memoryGiB} GiB of memory and ${a.cpus} CPUs`,
};

const KERNEL: Record<PlatformId, string> = {
  linux: "boot a distribution kernel built with them (Ubuntu 22.04+ and Debian 12+ stock kernels are)",
  "docker-desktop": "update Docker Desktop: its LinuxKit kernel is replaced only by a Docker Desktop release",
  "docker-desktop-wsl2": WSL_KERNEL,
  wsl2: WSL_KERNEL,
  colima: "recreate the VM on Colima's current Ubuntu image: `colima delete && colima start --vm-type vz` (vz needs macOS 13+; the VM type cannot change on an existing VM)",
  orbstack: "update OrbStack (it ships its own kernel and does not take a custom one), or use a VM with a distribution kernel such as Colima",
  "rancher-desktop": "update Rancher Desktop (its Alpine VM image carries the kernel)",
  unknown: "run the engine on a kernel built with them (e.g. a Linux host with an Ubuntu 22.04+ or Debian 12+ stock kernel)",
};

const CGROUP: Record<PlatformId, string> = {
  ...KERNEL,
  linux: "boot with the unified cgroup hierarchy (systemd.unified_cgroup_hierarchy=1 on the kernel command line; the default on Ubuntu 21.10+ and Debian 11+)",
};

/** The platform-specific fix for one lack. */
export function fixFor(platform: PlatformId, lack: Lack, amounts: Amounts): string {
  if (lack === "memory" || lack === "cpus") return RESOURCES[platform](amounts);
  return lack === "cgroup" ? CGROUP[platform] : KERNEL[platform];
}
