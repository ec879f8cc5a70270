import { fixFor, type Amounts, type Lack } from "./fixes.ts";
import { PLATFORM_NAMES, type EngineInfo, type PlatformId } from "./platform.ts";
import type { EngineKernel } from "./probe-output.ts";
import type { StackNeed } from "./stack-needs.ts";

/** One preflight line: the same shape preflight.ts reports. */
export interface EngineCheck {
  name: string;
  ok: boolean;
  found?: string;
  problem?: string;
  fix?: string;
}

export interface EngineEvidence {
  kernel: EngineKernel;
  info: EngineInfo;
  platform: PlatformId;
  need: StackNeed;
}

/**
 * Falco 0.44.1's modern eBPF probe needs the BPF ring buffer map and
 * BPF_PROG_TYPE_TRACING (falcosecurity/libs 0.25.4
 * userspace/libpman/src/configuration.c:349-375, pman_check_support); falco.org
 * docs/concepts/event-sources/kernel "Requirements": "Usually, all versions
 * >=5.8 are enough". Tetragon 1.7.0's Sigkill action on a kprobe needs
 * bpf_send_signal and large programs ("sigkill action requires kernel >= 5.3.0":
 * pkg/sensors/tracing/generickprobe.go:414-416, pkg/config/config_linux.go:203-211).
 */
export const MIN_KERNEL = { version: [5, 8] as const, why: "Falco 0.44.1 modern_ebpf needs the BPF ring buffer and tracing programs (5.8+); Tetragon 1.7.0's Sigkill needs bpf_send_signal (5.3+)" };

const GIB = 1024 ** 3;
const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;

/** The leading major.minor of a kernel release ("6.10.14-linuxkit" → [6, 10]); undefined when it has none. */
export function kernelMajorMinor(release: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

function amounts(need: StackNeed): Amounts {
  return { memoryGiB: Math.ceil(need.memoryBytes / GIB), cpus: need.cpus };
}

function bad(e: EngineEvidence, name: string, lack: Lack, problem: string): EngineCheck {
  return { name, ok: false, problem: `${problem} (${where(e)})`, fix: fixFor(e.platform, lack, amounts(e.need)) };
}

function where(e: EngineEvidence): string {
  return `${PLATFORM_NAMES[e.platform]}: docker info reports ${JSON.stringify(e.info.operatingSystem)}, kernel ${e.info.kernelVersion}`;
}

function btf(e: EngineEvidence): EngineCheck {
  const name = "engine kernel BTF";
  if (e.kernel.btfBytes && e.kernel.btfBytes > 0) return { name, ok: true, found: `/sys/kernel/btf/vmlinux, ${e.kernel.btfBytes} bytes, in kernel ${e.kernel.release}` };
  return bad(e, name, "kernel", `/sys/kernel/btf/vmlinux is missing in kernel ${e.kernel.release}: Tetragon 1.7.0 and Falco 0.44.1 modern_ebpf load CO-RE programs that need the kernel's BTF (CONFIG_DEBUG_INFO_BTF)`);
}

function version(e: EngineEvidence): EngineCheck {
  const name = "engine kernel version";
  const v = kernelMajorMinor(e.kernel.release);
  const [maj, min] = MIN_KERNEL.version;
  if (v && (v[0] > maj || (v[0] === maj && v[1] >= min))) return { name, ok: true, found: `${e.kernel.release} (>= ${maj}.${min})` };
  return bad(e, name, "kernel", `kernel ${e.kernel.release} is older than ${maj}.${min}, or not a version: ${MIN_KERNEL.why}`);
}

/** Options the policy's kprobe (security_file_open, Sigkill) and the agents need, when the config is readable. */
const NEEDED_CONFIG = ["CONFIG_KPROBES", "CONFIG_BPF_EVENTS", "CONFIG_DEBUG_INFO_BTF"] as const;

function config(e: EngineEvidence): EngineCheck {
  const name = "engine kernel config";
  const k = e.kernel;
  const lsm = `active LSMs ${k.lsm?.join(",") ?? "unreadable"}`;
  if (!k.configSource) return { name, ok: true, found: `kernel config not readable (no /proc/config.gz or /boot/config-*); BTF and the version are checked directly; ${lsm}` };
  const missing = NEEDED_CONFIG.filter((o) => k.config[o] !== "y");
  // Informational: block-secret-readers.yaml uses a kprobe with Sigkill only (no Override, no LSM hook).
  const extra = (["CONFIG_BPF_KPROBE_OVERRIDE", "CONFIG_FPROBE", "CONFIG_BPF_LSM"] as const).map((o) => `${o}=${k.config[o] ?? "not set"}`).join(", ");
  if (missing.length === 0) return { name, ok: true, found: `${k.configSource}: ${NEEDED_CONFIG.join(", ")} set; ${extra}; ${lsm}` };
  return bad(e, name, "kernel", `${k.configSource} does not set ${missing.join(", ")}=y: the Tetragon policy's kprobe on security_file_open needs kprobes and BPF events`);
}

function cgroup(e: EngineEvidence): EngineCheck {
  const name = "engine cgroup v2";
  if (e.kernel.cgroupFs === "cgroup2fs") return { name, ok: true, found: "/sys/fs/cgroup is cgroup2fs" };
  return bad(e, name, "cgroup", `/sys/fs/cgroup is ${e.kernel.cgroupFs}, not cgroup2fs (cgroup v1): the kubelet of the kind node (Kubernetes v1.35) refuses to start on cgroup v1 (failCgroupV1 defaults to true from 1.35, kubernetes/kubernetes#134298)`);
}

function memory(e: EngineEvidence): EngineCheck {
  const name = "engine memory";
  const have = e.info.memTotalBytes;
  if (have >= e.need.memoryBytes) return { name, ok: true, found: `${gib(have)} (the stack needs at least ${gib(e.need.memoryBytes)})` };
  return bad(e, name, "memory", `the engine has ${gib(have)} of memory; the stack needs at least ${gib(e.need.memoryBytes)}: ${e.need.source}`);
}

function cpus(e: EngineEvidence): EngineCheck {
  const name = "engine CPUs";
  if (e.info.ncpu >= e.need.cpus) return { name, ok: true, found: `${e.info.ncpu} (the stack requests ${e.need.cpuRequestMilli}m)` };
  return bad(e, name, "cpus", `the engine has ${e.info.ncpu} CPU(s); the stack's Pods request ${e.need.cpuRequestMilli}m, so at least ${e.need.cpus} are needed or Pods stay Pending: ${e.need.source}`);
}

/** Judges the engine's kernel and resources against what the pinned stack needs. Pure. */
export function judgeEngine(e: EngineEvidence): EngineCheck[] {
  return [btf(e), version(e), config(e), cgroup(e), memory(e), cpus(e)];
}
