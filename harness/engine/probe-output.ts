/**
 * What the container engine's kernel offers, read from inside a container
 * that runs on it: the pinned kind node image (already pulled for kind, so no
 * extra image), started privileged like a kind node. On Linux with a native
 * Docker this is the host kernel; under Docker Desktop, Colima, OrbStack,
 * Rancher Desktop or WSL2 it is the VM's, which is the one kind, Tetragon and
 * Falco run on.
 */

/** Kernel config options the judge reads when the kernel's config is readable. */
export const CONFIG_OPTIONS = [
  "CONFIG_DEBUG_INFO_BTF",
  "CONFIG_KPROBES",
  "CONFIG_BPF_EVENTS",
  "CONFIG_BPF_KPROBE_OVERRIDE",
  "CONFIG_FPROBE",
  "CONFIG_BPF_LSM",
] as const;
export type ConfigOption = (typeof CONFIG_OPTIONS)[number];

const MARK = "secretproof-engine-probe v1";

/**
 * POSIX sh for the node image (Debian trixie-slim based: kind v0.33.0
 * images/base/Dockerfile:23-24 `ARG BASE_IMAGE=debian:trixie-slim`, :76-81
 * util-linux, mount, bash, procps; coreutils and gzip are Debian essential
 * packages). One `key=value` line each, then `end`, so a truncated output is
 * told apart from a missing value. securityfs is not mounted in a container:
 * the privileged probe mounts it to read the active LSMs. The kernel config
 * is /proc/config.gz (CONFIG_IKCONFIG_PROC) or the host's
 * /boot/config-<release>, reached as /proc/1/root/boot with --pid=host.
 */
export const PROBE_SCRIPT = [
  `echo '${MARK}'`,
  'r="$(uname -r)"; echo "kernel=$r"; echo "arch=$(uname -m)"',
  'if [ -r /sys/kernel/btf/vmlinux ]; then echo "btf=$(stat -c %s /sys/kernel/btf/vmlinux)"; else echo "btf=absent"; fi',
  'echo "cgroupfs=$(stat -fc %T /sys/fs/cgroup)"',
  "[ -r /sys/kernel/security/lsm ] || mount -t securityfs securityfs /sys/kernel/security 2>/dev/null",
  'if [ -r /sys/kernel/security/lsm ]; then echo "lsm=$(cat /sys/kernel/security/lsm)"; else echo "lsm=unreadable"; fi',
  'echo "cmdline=$(cat /proc/cmdline)"',
  `opts='^(${CONFIG_OPTIONS.join("|")})='`,
  'if [ -r /proc/config.gz ]; then echo "config=/proc/config.gz"; zcat /proc/config.gz | grep -E "$opts"',
  'elif [ -r "/proc/1/root/boot/config-$r" ]; then echo "config=/boot/config-$r"; grep -E "$opts" "/proc/1/root/boot/config-$r"',
  'else echo "config=unreadable"; fi',
  "echo end",
].join("\n");

/** The `docker run` arguments of the probe (the entrypoint is the node's systemd, hence --entrypoint). */
export function probeArgs(nodeImage: string): string[] {
  return ["run", "--rm", "--privileged", "--pid=host", "--entrypoint", "sh", nodeImage, "-c", PROBE_SCRIPT];
}

export interface EngineKernel {
  release: string;
  arch: string;
  /** Size of /sys/kernel/btf/vmlinux in bytes, or undefined when absent. */
  btfBytes?: number;
  /** `stat -f` type of /sys/fs/cgroup: cgroup2fs for v2, tmpfs for v1. */
  cgroupFs: string;
  /** Active LSMs in load order, or undefined when securityfs could not be read. */
  lsm?: string[];
  cmdline: string;
  /** Where the config options came from, or undefined when no config was readable. */
  configSource?: string;
  /** Each option the config sets (`y` or `m`); an option it does not set is absent. */
  config: Partial<Record<ConfigOption, string>>;
}

function fail(what: string, out: string): never {
  throw new Error(`the engine kernel probe printed ${what}; its output (${out.length} bytes) was:\n${out.slice(0, 2000)}`);
}

/** Parses the probe's output; throws naming what is missing or malformed. */
export function parseProbeOutput(out: string): EngineKernel {
  const lines = out.replace(/\r\n/g, "\n").split("\n").filter((l) => l !== "");
  if (lines[0] !== MARK) fail(`no '${MARK}' header (not the probe's output)`, out);
  if (lines.at(-1) !== "end") fail("no 'end' line (truncated)", out);
  const kv = new Map<string, string>();
  const config: Partial<Record<ConfigOption, string>> = {};
  for (const line of lines.slice(1, -1)) {
    const eq = line.indexOf("=");
    if (eq <= 0) fail(`a line that is not key=value: ${JSON.stringify(line)}`, out);
    const [k, v] = [line.slice(0, eq), line.slice(eq + 1)];
    if ((CONFIG_OPTIONS as readonly string[]).includes(k)) config[k as ConfigOption] = v;
    else kv.set(k, v);
  }
  const need = (k: string) => kv.get(k) ?? fail(`no ${k}= line`, out);
  const btf = need("btf");
  const btfBytes = btf === "absent" ? undefined : Number(btf);
  if (btfBytes !== undefined && !(Number.isInteger(btfBytes) && btfBytes >= 0)) fail(`btf=${btf}, neither a size nor 'absent'`, out);
  const lsm = need("lsm");
  const source = need("config");
  return {
    release: need("kernel"),
    arch: need("arch"),
    ...(btfBytes === undefined ? {} : { btfBytes }),
    cgroupFs: need("cgroupfs"),
    ...(lsm === "unreadable" ? {} : { lsm: lsm.split(",").filter(Boolean) }),
    cmdline: need("cmdline"),
    ...(source === "unreadable" ? {} : { configSource: source }),
    config,
  };
}
