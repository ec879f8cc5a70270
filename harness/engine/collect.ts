import { versions } from "../../clusters/versions.ts";
import { PermanentError } from "../core/errors.ts";
import { waitFor, WaitTimeoutError } from "../core/wait.ts";
import { judgeEngine, type EngineCheck } from "./judge.ts";
import { identifyPlatform, parseDockerInfo } from "./platform.ts";
import { parseProbeOutput, probeArgs } from "./probe-output.ts";
import { preflightNeed } from "./stack-needs.ts";

/** The slice of PreflightEnv the probe uses. */
export interface EngineProbeEnv {
  platform: NodeJS.Platform;
  run(file: string, args: string[], opts?: { timeoutMs?: number }): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  which(file: string): Promise<string | undefined>;
  /**
   * How long the whole probe may take (the profile's waits.command), so the
   * preflight stays within the bound the workflows' step timeouts are checked
   * against (harness/cluster/run/run-bound.ts cliBounds).
   */
  budgetMs: number;
  /**
   * How long pulling an absent node image may take, retried on failure as
   * kind retries its own pull of the same image (kind v0.33.0-alpha
   * pkg/cluster/internal/providers/docker/images.go:41, :66-80): the
   * profile's waits.clusterCreate, the wait kind's pull would otherwise get.
   */
  pull: { budgetMs: number; intervalMs: number; sleep?: (ms: number) => Promise<void> };
  now?: () => number;
}

/** Runs docker with what is left of the probe's budget as its timeout. */
function budgeted(env: EngineProbeEnv): (args: string[]) => ReturnType<EngineProbeEnv["run"]> {
  const now = env.now ?? Date.now;
  const end = now() + env.budgetMs;
  return (args) => env.run("docker", args, { timeoutMs: Math.max(1, end - now()) });
}

const NAME = "engine kernel";
const PERMANENT_PULL = /manifest unknown|not found|unauthorized|denied/i;
const firstLine = (s: string) => s.trim().split("\n")[0] ?? "";

function notProbed(problem: string, fix: string): EngineCheck[] {
  return [{ name: NAME, ok: false, problem, fix }];
}

/**
 * The pinned kind node image, pulled only when absent: `kind create cluster`
 * pulls the same image next, so the probe costs no extra download. A failed
 * pull is tried again within its own budget.
 */
async function ensureNodeImage(env: EngineProbeEnv, docker: ReturnType<typeof budgeted>, image: string): Promise<string | EngineCheck[]> {
  const inspect = await docker(["image", "inspect", "--format", "{{.Id}}", image]);
  if (inspect.exitCode === 0) return "present locally";
  const now = env.now ?? Date.now;
  const end = now() + env.pull.budgetMs;
  try {
    await waitFor(
      `docker pull ${image}`,
      async () => {
        const pull = await env.run("docker", ["pull", image], { timeoutMs: Math.max(1, end - now()) });
        if (pull.exitCode === 0) return { done: true, value: undefined };
        // the registry's refusals do not change on retry: name them at once
        if (PERMANENT_PULL.test(pull.stderr)) throw new PermanentError(firstLine(pull.stderr));
        return { done: false, state: pull.exitCode === undefined ? "did not finish" : firstLine(pull.stderr) || `exit ${pull.exitCode}` };
      },
      { timeoutMs: env.pull.budgetMs, intervalMs: env.pull.intervalMs, now, ...(env.pull.sleep ? { sleep: env.pull.sleep } : {}) },
    );
    return "absent locally, pulled (kind would pull it next)";
  } catch (err) {
    const why =
      err instanceof WaitTimeoutError
        ? `did not succeed within ${Math.round(env.pull.budgetMs / 1000)} s (waits.clusterCreate; ${err.attempts} attempts, the last: ${String(err.lastState)})`
        : `was refused: ${((err as Error).cause instanceof Error ? ((err as Error).cause as Error) : (err as Error)).message}`;
    return notProbed(
      `the pinned kind node image ${image} is not present locally and \`docker pull\` ${why}`,
      `docker pull ${image} (the image kind creates its node from; the engine probe runs on it), then run preflight again`,
    );
  }
}

/** Probes the container engine's kernel from inside the pinned node image and judges it. */
export async function engineChecks(env: EngineProbeEnv, nodeImage: string = versions.kind.nodeImage): Promise<EngineCheck[]> {
  if (!(await env.which("docker"))) return notProbed("not probed: the docker CLI is not on PATH", "install Docker (see the Docker daemon check)");
  const docker = budgeted(env);
  const info = await docker(["info", "--format", "{{json .}}"]);
  if (info.exitCode !== 0) return notProbed(`not probed: docker info failed: ${firstLine(info.stderr)}`, "start the Docker daemon (see the Docker daemon check)");
  const image = await ensureNodeImage(env, docker, nodeImage);
  if (typeof image !== "string") return image;
  // the probe gets a whole budget of its own once the image is there
  const probe = await budgeted(env)(probeArgs(nodeImage));
  if (probe.exitCode !== 0) {
    return notProbed(
      `docker run --rm --privileged --pid=host --entrypoint sh ${nodeImage} -c <probe> ${probe.exitCode === undefined ? "did not finish" : `exited ${probe.exitCode}`}: ${firstLine(probe.stderr) || "(no stderr)"}`,
      "the engine must run privileged containers sharing the host's PID namespace (kind's node is privileged; the probe reads the kernel config through /proc/1/root); the stderr above says which the engine refused",
    );
  }
  try {
    const engine = parseDockerInfo(info.stdout);
    const checks = judgeEngine({ kernel: parseProbeOutput(probe.stdout), info: engine, platform: identifyPlatform(engine, env.platform), need: preflightNeed() });
    return [{ name: "kind node image", ok: true, found: `${nodeImage} (${image})` }, ...checks];
  } catch (err) {
    return notProbed((err as Error).message, "report this output: the probe or docker info printed something this secretproof cannot read");
  }
}
