import { vaultNames } from "../../../../fixtures/vault/definitions.ts";
import { kubeletSyncProblem } from "../../../app/rotation-cadence.ts";
import { toMs, toSeconds } from "../../../../clusters/duration.ts";
import { PermanentError } from "../../../core/errors.ts";
import { portForward } from "../../../kube/port-forward.ts";
import { inPodPostgres, kubectlShell, podAddress } from "../../../postgres/in-pod.ts";
import { controlPlaneNode, NS, POSTGRES, VAULT } from "../../../../clusters/names.ts";
import { HBA_RULES_SQL, judgeHbaRules, parseHbaRules } from "../judges/postgres-hba.ts";
import { Reforward } from "../reforward.ts";
import { need, type UpContext, type UpStep } from "../context.ts";
import { TARGETS } from "../diagnostics.ts";
import { poll } from "./local.ts";
import { checkVaultLogin } from "../probes/vault-login-check.ts";
import type { LoginExpectation } from "../judges/vault-login.ts";

/**
 * Upstream behaviours the suites stand on, checked where bring-up first can,
 * each failing with a message that names the behaviour (the decisions are
 * pure functions with unit tests).
 */

const rollout = (ctx: UpContext) => toMs(ctx.profile.waits.rollout);
const command = (ctx: UpContext) => toMs(ctx.profile.waits.command);

/** The kubelet resyncs pods (so republishes the CSI mount) at the profile's syncFrequency, read from its running config. */
export async function kubeletConfigStep(ctx: UpContext): Promise<void> {
  const k = need(ctx, "kubectl");
  const node = controlPlaneNode(ctx.clusterName);
  const path = `/api/v1/nodes/${node}/proxy/configz`;
  const text = await poll(ctx, `the kubelet on ${node} to answer ${path} through the API server`, rollout(ctx), async () => ({
    done: true,
    value: (await k.run(["get", "--raw", path])).stdout,
  }));
  const problem = kubeletSyncProblem(text, node, toMs(ctx.profile.csi.syncFrequency));
  if (problem) throw new PermanentError(problem);
  ctx.log.info(`kubelet-config: the kubelet on ${node} resyncs pods every ${ctx.profile.csi.syncFrequency}, as the profile expects`);
}

/** A name as Vault gives its database users (v-<display>-<role>-<random>-<unix>): no pg_hba line may single it out. */
const A_VAULT_USER = "v-kubernet-secure-a-HbaCheck0000000000-1778273950";

/** Postgres trusts the superuser on its socket and checks passwords over the pod IP (postgres-hba.ts). */
export async function postgresHbaStep(ctx: UpContext): Promise<void> {
  const k = need(ctx, "kubectl");
  const shell = kubectlShell(k, NS.postgres, POSTGRES.pod, POSTGRES.container);
  const db = inPodPostgres(shell, { superuser: POSTGRES.adminUser, database: POSTGRES.database });
  const text = await db.sql(HBA_RULES_SQL).catch((err: unknown) => {
    const why = `reading pg_hba_file_rules with psql as ${POSTGRES.adminUser} over ${shell.where}'s socket failed (bring-up and the suites need that login trusted)`;
    throw new Error(`${why}: ${(err as Error).message}`, { cause: err });
  });
  const address = await podAddress(k, NS.postgres, POSTGRES.pod);
  const v = judgeHbaRules(parseHbaRules(text, shell.where), {
    socket: { database: POSTGRES.database, user: POSTGRES.adminUser },
    tcp: { database: POSTGRES.database, users: [POSTGRES.adminUser, A_VAULT_USER], address },
  });
  if (!v.ok) throw new PermanentError(v.problems.join("\n"));
  ctx.log.info(`postgres-hba: ${v.summary}`);
}

/** Who the CSI provider will log in as, from the rendered SecretProviderClass and Deployment. */
export function loginExpectation(ctx: UpContext): LoginExpectation {
  const app = need(ctx, "plan").app;
  const params = app.secretProviderClass.spec.parameters;
  const sa = app.deployment.spec?.template.spec?.serviceAccountName ?? "default";
  return {
    mount: vaultNames.kubernetesAuthMount,
    role: params.roleName ?? vaultNames.role,
    serviceAccount: `${app.secretProviderClass.metadata.namespace}/${sa}`,
    // The provider's own default when the SecretProviderClass names none (internal/config/config.go:185-188 at v1.7.4).
    audience: params.audience ?? "vault",
    policy: vaultNames.policy,
    leaseSeconds: toSeconds(ctx.profile.vault.authTokenTtl),
  };
}

/** The app's Vault login works as the provider will make it, and the role refuses a token for another audience (vault-login.ts). */
export async function vaultLoginStep(ctx: UpContext): Promise<void> {
  const e = loginExpectation(ctx);
  const kubectl = need(ctx, "kubectl");
  await using fw = new Reforward(() => portForward(ctx.kubeContext, NS.vault, `svc/${VAULT.service}`, VAULT.port, command(ctx)));
  const what = `a login to Vault's auth/${e.mount}/role/${e.role} as ${e.serviceAccount} through a port-forward to ${NS.vault}/svc/${VAULT.service}`;
  const lines = await fw.explainEnd(
    poll(ctx, what, rollout(ctx), async () => ({
      done: true,
      value: await checkVaultLogin({ kubectl, vaultUrl: () => fw.url(), timeoutMs: command(ctx) }, e),
    })),
  );
  for (const l of lines) ctx.log.info(`vault-login: ${l}`);
}

export const kubeletConfigSpec: UpStep = {
  name: "kubelet-config",
  deps: ["kind-cluster"],
  what: "the kubelet's running config (/configz through the API server) resyncs pods at the profile's syncFrequency (no CNI needed)",
  run: kubeletConfigStep,
  diagnose: [],
};

export const postgresHbaSpec: UpStep = {
  name: "postgres-hba",
  deps: ["postgres"],
  what: "pg_hba_file_rules: the superuser trusted on postgres-0's socket, passwords checked over the pod IP",
  run: postgresHbaStep,
  diagnose: [TARGETS.postgres],
};

export const vaultLoginSpec: UpStep = {
  name: "vault-login",
  deps: ["configure-vault"],
  what: "log in as the app's service account with a token for the SecretProviderClass audience (policy, token TTL), and be refused for another audience",
  run: vaultLoginStep,
  diagnose: [TARGETS.vault],
};
