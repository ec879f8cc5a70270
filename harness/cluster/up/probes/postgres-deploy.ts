import { waitFor } from "../../../core/wait.ts";
import type { KubeClient } from "../../../kube/client.ts";
import type { Kubectl } from "../../../kube/kubectl.ts";
import { NS, POSTGRES } from "../../../../clusters/names.ts";
import type { StackPlan } from "../../render/plan.ts";
import { toYamlDocuments } from "../../render/render.ts";
import { afterPasswordStreamFailed, bootstrapPhase } from "../judges/postgres-bootstrap.ts";

export interface PostgresDeps {
  kubectl: Kubectl;
  kube: KubeClient;
  wait: { timeoutMs: number; intervalMs: number };
}

const observe = (d: PostgresDeps) => d.kube.pod(NS.postgres, POSTGRES.pod);

/**
 * Applies Postgres and, on its first start, streams the bootstrap password
 * into the init container's tmpfs over `kubectl exec` stdin (never an
 * argument, never a Kubernetes object). Once Postgres is up the file is
 * emptied. A running postgres-0 is left alone. Returns what it did.
 */
export async function deployPostgres(d: PostgresDeps, plan: StackPlan["postgres"], password: string): Promise<"bootstrapped" | "running"> {
  await d.kubectl.apply(toYamlDocuments([plan.service, plan.statefulSet]));
  const phase = await waitFor(
    "postgres-0 to wait for its bootstrap password or be Ready",
    async () => {
      const pod = await observe(d);
      const p = bootstrapPhase(pod);
      return p === "absent" ? { done: false, state: pod ?? "no pod postgres-0 yet" } : { done: true, value: p };
    },
    d.wait,
  );
  if (phase === "ready") return "running";
  if (phase === "awaiting-password") await streamPassword(d, password);
  await waitFor(
    "postgres-0 Ready",
    async () => {
      const pod = await observe(d);
      return pod?.ready ? { done: true, value: pod } : { done: false, state: pod ?? "no pod postgres-0" };
    },
    d.wait,
  );
  await d.kubectl.exec(NS.postgres, POSTGRES.pod, ["sh", "-c", ': > "$BOOTSTRAP_FILE"'], { container: POSTGRES.container });
  return "bootstrapped";
}

/** Writes the password into the init container's tmpfs over exec stdin; tolerates the container finishing first. */
async function streamPassword(d: PostgresDeps, password: string): Promise<void> {
  const write = 'umask 077; cat > "$BOOTSTRAP_FILE.tmp" && mv "$BOOTSTRAP_FILE.tmp" "$BOOTSTRAP_FILE"';
  try {
    await d.kubectl.exec(NS.postgres, POSTGRES.pod, ["sh", "-c", write], { container: POSTGRES.bootstrapContainer, input: password });
  } catch (err) {
    const now = bootstrapPhase(await observe(d));
    if (afterPasswordStreamFailed(now) === "continue") return;
    throw new Error(`streaming the bootstrap password into ${NS.postgres}/${POSTGRES.pod} container ${POSTGRES.bootstrapContainer} failed; the pod is now ${now}`, { cause: err });
  }
}

/**
 * Sets the admin password back to the bootstrap one over the pod's Unix
 * socket (local trust), for when Vault lost its configuration (dev mode keeps
 * it in memory) after a rotate-root only it knew. The SQL goes over stdin.
 */
export async function resetAdminPassword(kubectl: Kubectl, password: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]+$/.test(password)) throw new Error("the bootstrap password has characters that would need SQL quoting");
  const sql = `ALTER ROLE "${POSTGRES.adminUser}" WITH PASSWORD '${password}';\n`;
  await kubectl.exec(
    NS.postgres,
    POSTGRES.pod,
    ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-U", POSTGRES.adminUser, "-d", POSTGRES.database],
    { container: POSTGRES.container, input: sql },
  );
}
