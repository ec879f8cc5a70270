import type { ReleaseName } from "../../clusters/helm/releases.ts";
import { toMs } from "../core/duration.ts";
import { portForward } from "../kube/port-forward.ts";
import { probeApp } from "./app-check.ts";
import { APP, NS, VAULT } from "./names.ts";
import { deployPostgres, resetAdminPassword } from "./postgres-deploy.ts";
import { poll } from "./up-steps.ts";
import { need, type UpContext } from "./up-context.ts";
import { readVaultConfigState, vaultHealthy } from "./vault-check.ts";
import { vaultNames } from "../../fixtures/vault/definitions.ts";

const w = (ctx: UpContext) => ({
  command: toMs(ctx.profile.waits.command),
  helm: toMs(ctx.profile.waits.helmRelease),
  rollout: toMs(ctx.profile.waits.rollout),
  app: toMs(ctx.profile.waits.appReady),
});

/** helm upgrade --install, skipped when deployed at the pinned version with identical values. */
export async function releaseStep(ctx: UpContext, name: ReleaseName): Promise<void> {
  const spec = need(ctx, "plan").releases[name];
  const state = await need(ctx, "helm").ensure(spec, { timeoutMs: w(ctx).helm });
  ctx.log.info(`${name}: ${state.action === "skip" ? "unchanged" : state.action} (${state.reason})`);
}

/** Cilium, then the node Ready: until then nothing else can schedule. */
export async function ciliumStep(ctx: UpContext): Promise<void> {
  await releaseStep(ctx, "cilium");
  const kube = need(ctx, "kube");
  await poll(ctx, "every node Ready (Cilium is the CNI)", w(ctx).rollout, async () => {
    const nodes = await kube.nodes();
    return nodes.length > 0 && nodes.every((n) => n.ready) ? { done: true, value: nodes } : { done: false, state: nodes };
  });
}

/** Tetragon, then its TracingPolicy CRD (the operator installs it at run time) so suites can apply policies at once. */
export async function tetragonStep(ctx: UpContext): Promise<void> {
  await releaseStep(ctx, "tetragon");
  const kube = need(ctx, "kube");
  const crd = "tracingpolicies.cilium.io";
  await poll(ctx, `CRD ${crd} Established`, w(ctx).rollout, async () =>
    (await kube.crdEstablished(crd)) ? { done: true, value: crd } : { done: false, state: `${crd} not established` },
  );
}

export async function postgresStep(ctx: UpContext): Promise<void> {
  const did = await deployPostgres(
    { kubectl: need(ctx, "kubectl"), kube: need(ctx, "kube"), wait: { timeoutMs: w(ctx).rollout, intervalMs: toMs(ctx.profile.waits.poll) } },
    need(ctx, "plan").postgres,
    need(ctx, "secrets").postgresBootstrapPassword,
  );
  ctx.log.info(`postgres: ${did === "running" ? "postgres-0 already running" : "bootstrapped postgres-0"}`);
}

/**
 * Reaches Vault through a port-forward. Already configured: nothing to do.
 * Otherwise harness/vault configures it, rotate-root included. When Vault
 * holds no Postgres connection (new cluster, or dev-mode Vault restarted and
 * lost its memory after an earlier rotate-root) the admin password is first
 * set back to the bootstrap one over the pod's socket.
 */
export async function configureVaultStep(ctx: UpContext): Promise<void> {
  const secrets = need(ctx, "secrets");
  await using pf = await portForward(ctx.kubeContext, NS.vault, `svc/${VAULT.service}`, VAULT.port, w(ctx).command);
  await poll(ctx, `Vault healthy at ${pf.url}`, w(ctx).rollout, async () => {
    const h = await vaultHealthy(pf.url, w(ctx).command);
    return h.ok ? { done: true, value: h } : { done: false, state: h };
  });
  const names = { ...need(ctx, "binding"), dbConfig: vaultNames.dbConfig };
  const state = await readVaultConfigState(pf.url, secrets.vaultRootToken, names, w(ctx).command);
  if (state.configured) {
    ctx.log.info("configure-vault: already configured");
    return;
  }
  ctx.log.info(`configure-vault: configuring (missing: ${state.missing.join(", ")})`);
  if (!state.hasConnection) await resetAdminPassword(need(ctx, "kubectl"), secrets.postgresBootstrapPassword);
  await need(ctx, "configureVault")({ ...need(ctx, "plan").configureVault, addr: pf.url });
}

/** Ends `up`: the app answers 200 with a Vault-issued identity through its Service. */
export async function appReadyStep(ctx: UpContext): Promise<void> {
  await using pf = await portForward(ctx.kubeContext, NS.app, `svc/${APP.service}`, APP.servicePort, w(ctx).command);
  const id = await poll(ctx, `${APP.deployment} to answer 200 with a v-… identity through ${APP.service}`, w(ctx).app, () =>
    probeApp(pf.url, w(ctx).command),
  );
  ctx.appIdentity = id.dbUser;
  ctx.log.info(`app-ready: ${APP.deployment} answers as ${id.dbUser}`);
}
