import { existsSync } from "node:fs";
import { arch, platform, release } from "node:os";

/** Where the kernel exposes its BTF type information (Tetragon and Falco modern_ebpf need it). */
export const BTF_PATH = "/sys/kernel/btf/vmlinux";

/**
 * What a run records about the machine it ran on: the kernel (`uname -r`)
 * the eBPF agents loaded into, BTF presence, Node, and the CI runner when
 * there is one. Plain strings only, so it fits run.json's `environment`.
 */
export function collectEnvironment(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {
    kernel: release(),
    btf: existsSync(BTF_PATH) ? BTF_PATH : "absent",
    platform: platform(),
    arch: arch(),
    node: process.version,
  };
  const optional: Record<string, string | undefined> = {
    runnerOs: env.RUNNER_OS,
    runnerImage: env.ImageOS && env.ImageVersion ? `${env.ImageOS} ${env.ImageVersion}` : undefined,
    ciRunUrl:
      env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
        ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
        : undefined,
    commit: env.GITHUB_SHA,
  };
  for (const [k, v] of Object.entries(optional)) if (v) out[k] = v;
  return out;
}
