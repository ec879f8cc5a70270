/**
 * Engine probe outputs and `docker info --format '{{json .}}'` documents for
 * the platforms docs/platforms.md lists. The probe lines are in the exact form
 * harness/engine/probe-output.ts prints. The docker info documents keep the
 * daemon's own field names (moby api/types/system/info.go) and the kernel and
 * OS strings each engine reports upstream (cited in harness/engine/platform.ts).
 */

const GIB = 1024 ** 3;

export interface ProbeSample {
  release: string;
  btf?: number;
  cgroupFs?: string;
  lsm?: string;
  config?: string;
  options?: string[];
}

/** A probe output as the script prints it. */
export function probeOutput(s: ProbeSample): string {
  const lines = [
    "secretproof-engine-probe v1",
    `kernel=${s.release}`,
    "arch=x86_64",
    `btf=${s.btf ?? "absent"}`,
    `cgroupfs=${s.cgroupFs ?? "cgroup2fs"}`,
    `lsm=${s.lsm ?? "lockdown,capability,landlock,yama,apparmor,ima,evm"}`,
    `cmdline=BOOT_IMAGE=/vmlinuz-${s.release} root=PARTUUID=1 ro console=tty1 console=ttyS0`,
    `config=${s.config ?? "unreadable"}`,
    ...(s.options ?? []),
    "end",
  ];
  return `${lines.join("\n")}\n`;
}

/** The options an Ubuntu 24.04 azure kernel's /boot/config sets among those the probe greps. */
export const UBUNTU_OPTIONS = [
  "CONFIG_KPROBES=y",
  "CONFIG_BPF_EVENTS=y",
  "CONFIG_BPF_KPROBE_OVERRIDE=y",
  "CONFIG_FPROBE=y",
  "CONFIG_BPF_LSM=y",
  "CONFIG_DEBUG_INFO_BTF=y",
];

export interface InfoSample {
  name: string;
  os: string;
  kernel: string;
  cgroup?: string;
  ncpu?: number;
  memGiB?: number;
}

/** A `docker info --format '{{json .}}'` document (a subset of its fields, real names and types). */
export function dockerInfo(s: InfoSample): string {
  return JSON.stringify({
    ID: "b748769e-01ab-4dae-a519-02e92a7893d0",
    Containers: 0,
    Driver: "overlay2",
    CgroupDriver: "systemd",
    CgroupVersion: s.cgroup ?? "2",
    KernelVersion: s.kernel,
    OperatingSystem: s.os,
    OSType: "linux",
    Architecture: "x86_64",
    NCPU: s.ncpu ?? 4,
    MemTotal: Math.round((s.memGiB ?? 15.6) * GIB),
    Name: s.name,
    ServerVersion: "28.0.4",
    ClientInfo: { Debug: false, Context: "default" },
  });
}

export const LINUX_RELEASE = "6.11.0-1018-azure";
export const LINUX_INFO: InfoSample = { name: "runnervmf4ws1", os: "Ubuntu 24.04.3 LTS", kernel: LINUX_RELEASE, ncpu: 4, memGiB: 15.6 };
export const DESKTOP_INFO: InfoSample = { name: "docker-desktop", os: "Docker Desktop", kernel: "6.10.14-linuxkit", ncpu: 8, memGiB: 7.7 };
export const WSL2_DESKTOP_INFO: InfoSample = { name: "docker-desktop", os: "Docker Desktop", kernel: "6.6.114.1-microsoft-standard-WSL2", ncpu: 8, memGiB: 7.7 };
export const COLIMA_INFO: InfoSample = { name: "colima", os: "Ubuntu 24.04.1 LTS", kernel: "6.8.0-50-generic", ncpu: 2, memGiB: 1.9 };
export const ORBSTACK_INFO: InfoSample = { name: "orbstack", os: "OrbStack", kernel: "6.17.8-orbstack-00308-g8f9c941121b1", ncpu: 6, memGiB: 15.67 };
export const RANCHER_INFO: InfoSample = { name: "lima-rancher-desktop", os: "Alpine Linux v3.20", kernel: "6.6.51-0-virt", ncpu: 2, memGiB: 3.835 };
