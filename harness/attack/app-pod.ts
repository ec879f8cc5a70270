import { PermanentError } from "../core/errors.ts";
import type { ExecResult } from "../core/exec.ts";
import { execExit, kubectlFailure } from "../kube/exec-exit.ts";
import type { Kubectl } from "../kube/kubectl.ts";
import type { PodIdentity } from "./attempt.ts";
import { seccompModeOf } from "./seccomp-mode.ts";
import { kindWhere, workloadResource, type AppWhere } from "./where.ts";

export interface PodJson {
  metadata: { name: string; uid: string; labels?: Record<string, string>; deletionTimestamp?: string };
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status: {
    phase?: string;
    containerStatuses?: { name: string; containerID?: string; restartCount: number; ready: boolean; state?: { running?: { startedAt?: string } } }[];
  };
}

export interface AppPodState extends PodIdentity {
  restartCount: number;
  labels: Record<string, string>;
  /** When the current app container started (state.running.startedAt). */
  startedAt?: string;
  nodeName?: string;
}

type AppRef = Pick<AppWhere, "namespace" | "kind" | "name" | "container">;

const KIND_APP: AppWhere = kindWhere().app;

function toState(p: PodJson, app: AppRef): AppPodState {
  const spec = p.spec.containers.find((c) => c.name === app.container);
  const st = p.status.containerStatuses?.find((c) => c.name === app.container);
  if (!spec || !st?.containerID) throw new Error(`pod ${p.metadata.name} has no running container ${app.container}`);
  return {
    namespace: app.namespace,
    name: p.metadata.name,
    uid: p.metadata.uid,
    container: app.container,
    containerId: st.containerID.replace(/^[a-z]+:\/\//, ""),
    image: spec.image,
    restartCount: st.restartCount,
    labels: p.metadata.labels ?? {},
    startedAt: st.state?.running?.startedAt,
    nodeName: p.spec.nodeName,
  };
}

/** The live pods of the app's workload, by name, found through the workload's own selector. */
export async function findWorkloadPods(kube: Pick<Kubectl, "json">, app: AppRef = KIND_APP): Promise<{ selector: string; live: PodJson[] }> {
  const resource = workloadResource(app.kind);
  const workload = await kube.json<{ spec: { selector: { matchLabels?: Record<string, string> } } }>(["-n", app.namespace, "get", resource, app.name]);
  const labels = workload.spec.selector.matchLabels ?? {};
  const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
  if (!selector) throw new PermanentError(`${resource} ${app.name} has no matchLabels selector`);
  const pods = await kube.json<{ items: PodJson[] }>(["-n", app.namespace, "get", "pods", "-l", selector]);
  const live = pods.items.filter((p) => !p.metadata.deletionTimestamp && p.status.phase === "Running");
  return { selector, live: live.sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)) };
}

/**
 * The pod to attack: with `replicas: "one"` (the kind stack) the one live
 * pod of the workload, an error otherwise; with "any" the first live pod by
 * name (the others are observed, not attacked).
 */
export async function findAppPod(kube: Pick<Kubectl, "json">, app: AppRef & Pick<AppWhere, "replicas"> = KIND_APP): Promise<AppPodState> {
  const { selector, live } = await findWorkloadPods(kube, app);
  if (app.replicas === "one" ? live.length !== 1 : live.length === 0) {
    const expected = app.replicas === "one" ? "exactly one running pod" : "a running pod";
    throw new Error(`expected ${expected} of ${app.name} (selector ${selector}), found ${live.map((p) => p.metadata.name).join(", ") || "none"}`);
  }
  return toState(live[0] as PodJson, app);
}

/** The current state of a known pod (for restart and identity checks). */
export async function podState(kube: Pick<Kubectl, "json">, name: string, app: AppRef = KIND_APP): Promise<AppPodState> {
  return toState(await kube.json<PodJson>(["-n", app.namespace, "get", "pod", name]), app);
}

export const PTRACE_SCOPE_PATH = "/proc/sys/kernel/yama/ptrace_scope";

/**
 * Yama's ptrace_scope from `cat` of its sysctl in the app container: the
 * value, or "absent" only when the container's cat exited 1 because the
 * file does not exist (no Yama). kubectl's own failure also exits 1
 * (harness/kube/exec-exit.ts), and reading it as "absent" would flip the
 * expected outcome of proc-mem, so it throws; so does any other failure of cat.
 */
export function ptraceScopeOf(r: Pick<ExecResult, "command" | "exitCode" | "stdout" | "stderr">): string {
  const x = execExit(r.exitCode, r.stderr);
  if (x.origin === "kubectl") throw new Error(kubectlFailure(r.command, r.exitCode, r.stderr));
  if (r.exitCode === 0 && r.stdout.trim() !== "") return r.stdout.trim();
  if (r.exitCode === 1 && /No such file or directory/.test(x.stderr)) return "absent";
  throw new Error(`${r.command} exited ${r.exitCode} in the app container without reading ${PTRACE_SCOPE_PATH}: ${x.stderr.trim() || "(no stderr)"}`);
}

/**
 * Environment conditions of the catalogue that hold in the pod. Reading Yama's
 * ptrace_scope decides whether /proc/1/mem opens are refused; the exec's
 * seccomp mode decides whether io_uring_setup is (harness/attack/seccomp-mode.ts).
 */
export async function observeEnvironment(kube: Kubectl, pod: PodIdentity): Promise<{ ptraceScope: string; conditions: string[] }> {
  const r = await kube.exec(pod.namespace, pod.name, ["cat", PTRACE_SCOPE_PATH], {
    container: pod.container,
    okExitCodes: [1],
  });
  const ptraceScope = ptraceScopeOf(r);
  const conditions = ptraceScope === "0" || ptraceScope === "absent" ? ["ptrace-permissive"] : [];
  const status = await kube.exec(pod.namespace, pod.name, ["cat", "/proc/self/status"], { container: pod.container, okExitCodes: [1] });
  if (seccompModeOf(status) === "0") conditions.push("seccomp-off");
  return { ptraceScope, conditions };
}
