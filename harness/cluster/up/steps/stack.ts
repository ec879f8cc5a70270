import type { ReleaseName } from "../../../../clusters/helm/releases.ts";
import { toMs } from "../../../../clusters/duration.ts";
import { portForward } from "../../../kube/port-forward.ts";
import { probeApp } from "../probes/app-check.ts";
import { coreDnsRolledOut, probePostgresName } from "../probes/cluster-dns.ts";
import { APP, CLUSTER_DNS, NS, POSTGRES, TETRAGON, VAULT } from "../../../../clusters/names.ts";
import { daemonSetsRolledOut } from "../probes/daemonset-rollout.ts";
import { deployPostgres, resetAdminPassword } from "../probes/postgres-deploy.ts";
import { Reforward } from "../reforward.ts";
import { tetragonProcScanDoneAt } from "../probes/tetragon-ready.ts";
import { poll } from "./local.ts";
import { need, type UpContext, type UpStep } from "../context.ts";
import { TARGETS } from "../diagnostics.ts";
import { readVaultConfigState, vaultHealthy } from "../probes/vault-check.ts";
import { probeVaultPod } from "../probes/vault-pod.ts";
import { renderVaultDefinitions } from "../../../../fixtures/vault/definitions.ts";
import { PermanentError } from "../../../core/errors.ts";
import { POLICY_RESOURCE } from "../../../tetragon/policy.ts";

const w = (ctx: UpContext) => ({
  command: toMs(ctx.profile.waits.command),
  helm: toMs(ctx.profile.waits.helmRelease),
  rollout: toMs(ctx.profile.waits.rollout),
  app: toMs(ctx.profile.waits.appReady),
});

/**
 * helm upgrade --install, skipped when deployed at the pinned version with
 * identical values; then the release's DaemonSets rolled out, every pod
 * available (daemonset-rollout.ts: helm --wait does not wait for them).
 */
export async function releaseStep(ctx: UpContext, name: ReleaseName): Promise<void> {
  const spec = need(ctx, "plan").releases[name];
  const state = await need(ctx, "helm").ensure(spec, { timeoutMs: w(ctx).helm });
  ctx.log.info(`${name}: ${state.action === "skip" ? "unchanged" : state.action} (${state.reason})`);
  const { namespace, daemonSets } = spec.pods;
  if (!daemonSets.length) return;
  const done = await daemonSetsRolledOut(need(ctx, "kubectl"), need(ctx, "kube"), namespace, daemonSets, w(ctx).rollout);
  ctx.log.info(`${name}: rolled out ${done.map((d) => `daemonset ${d}`).join(", ")}`);
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

/**
 * The TracingPolicy CRDs the Tetragon operator registers at run time
 * (cilium/tetragon v1.7.0 operator/crd/crd.go:65-88 over
 * pkg/k8s/apis/cilium.io/client/register.go:42-46): the cluster-wide kind,
 * and the namespaced one the suites apply (harness/tetragon/policy.ts).
 */
export const TETRAGON_CRDS: readonly string[] = ["tracingpolicies.cilium.io", POLICY_RESOURCE];

/**
 * Tetragon, then its TracingPolicy CRDs Established so suites can apply
 * policies at once, then the agent's /proc scan, after which anything that
 * starts is seen by its exec sensor (tetragon-ready.ts).
 */
export async function tetragonStep(ctx: UpContext): Promise<void> {
  await releaseStep(ctx, "tetragon");
  const kube = need(ctx, "kube");
  for (const crd of TETRAGON_CRDS) {
    await poll(ctx, `CRD ${crd} Established`, w(ctx).rollout, async () =>
      (await kube.crdEstablished(crd)) ? { done: true, value: crd } : { done: false, state: `${crd} not established` },
    );
  }
  ctx.log.info(`tetragon: agent scanned /proc at ${await tetragonScanned(ctx)}`);
}

/** When the running Tetragon agent finished its /proc scan, waiting for it if it has not yet. */
export function tetragonScanned(ctx: UpContext): Promise<string> {
  const k = need(ctx, "kubectl");
  const what = `the Tetragon agent (${TETRAGON.namespace}/ds/${TETRAGON.daemonSet}) to log the end of its /proc scan ("Read ProcFS … appended")`;
  return poll(ctx, what, w(ctx).rollout, async () => {
    const at = await tetragonProcScanDoneAt(k);
    return at ? { done: true, value: at } : { done: false, state: "no such line in the agent's current log" };
  });
}

/** Vault, then vault-0 Ready at the StatefulSet's current revision, read through the API (vault-pod.ts: helm --wait does not). */
export async function vaultStep(ctx: UpContext): Promise<void> {
  await releaseStep(ctx, "vault");
  const kube = need(ctx, "kube");
  const k = need(ctx, "kubectl");
  await poll(ctx, `${NS.vault}/${VAULT.pod} Ready at the StatefulSet's current revision`, w(ctx).rollout, async () => {
    const step = await probeVaultPod(kube, k);
    if (step.replace) ctx.log.info(`vault: ${step.replace}: deleted it`);
    return step;
  });
}

/** CoreDNS rolled out, then POSTGRES.host resolving to the Service's IP inside postgres-0 (cluster-dns.ts). */
export async function clusterDnsStep(ctx: UpContext): Promise<void> {
  const k = need(ctx, "kubectl");
  const kube = need(ctx, "kube");
  await coreDnsRolledOut(k, w(ctx).rollout);
  const ip = await poll(ctx, `${POSTGRES.host} to resolve inside ${POSTGRES.pod} (${CLUSTER_DNS.namespace}/${CLUSTER_DNS.deployment} serving)`, w(ctx).rollout, () =>
    probePostgresName(kube, k),
  );
  ctx.log.info(`cluster-dns: ${POSTGRES.host} resolves to ${ip} inside ${POSTGRES.pod}`);
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
 * Reaches Vault through a port-forward, reopened whenever kubectl has exited
 * (it does after the first refused connection). Nothing to do when Vault holds
 * every object as the profile renders it; otherwise harness/vault applies the
 * whole configuration, which is safe to run again (rotate-root included: Vault
 * then holds the current admin password). A reused cluster whose Vault holds
 * other TTLs, another audience or policy (an earlier profile) is configured
 * again, each drifted field logged. When Vault holds no Postgres connection
 * (new cluster, or dev-mode Vault restarted and lost its memory after an
 * earlier rotate-root) the admin password is first set back to the bootstrap
 * one over the pod's socket.
 */
export async function configureVaultStep(ctx: UpContext): Promise<void> {
  const secrets = need(ctx, "secrets");
  await using fw = new Reforward(() => portForward(ctx.kubeContext, NS.vault, `svc/${VAULT.service}`, VAULT.port, w(ctx).command));
  await poll(ctx, `Vault healthy through a port-forward to ${NS.vault}/svc/${VAULT.service}`, w(ctx).rollout, async () => {
    const h = await vaultHealthy(await fw.url(), w(ctx).command);
    return h.ok ? { done: true, value: h } : { done: false, state: h };
  });
  const explained = (err: unknown) => Promise.reject(fw.explain(err));
  // the profile the plan carries: a mutation may change its TTLs
  const defs = renderVaultDefinitions(need(ctx, "plan").configureVault.profile);
  const state = await readVaultConfigState(await fw.url(), secrets.vaultRootToken, defs, w(ctx).command).catch(explained);
  if (state.configured) {
    ctx.log.info(`configure-vault: already configured as the ${ctx.profile.name} profile renders it`);
    return;
  }
  if (state.missing.length) ctx.log.info(`configure-vault: configuring (missing: ${state.missing.join(", ")})`);
  for (const d of state.drift) ctx.log.info(`configure-vault: drifted: ${d}`);
  if (!state.hasConnection) await resetAdminPassword(need(ctx, "kubectl"), secrets.postgresBootstrapPassword);
  await need(ctx, "configureVault")({ ...need(ctx, "plan").configureVault, addr: await fw.url() }).catch(explained);
  ctx.vaultAppliedAt = new Date().toISOString();
  const after = await readVaultConfigState(await fw.url(), secrets.vaultRootToken, defs, w(ctx).command).catch(explained);
  if (!after.configured) {
    const left = [...after.missing.map((m) => `missing ${m}`), ...after.drift].join("; ");
    throw new PermanentError(
      `Vault at ${NS.vault}/svc/${VAULT.service} still differs from the ${ctx.profile.name} profile after configuring it, so it does not answer in the read shapes vault-drift.ts expects: ${left}`,
    );
  }
}

/** Ends `up`: the app answers 200 with a Vault-issued identity through its Service (the forward reopened if kubectl exits). */
export async function appReadyStep(ctx: UpContext): Promise<void> {
  await using fw = new Reforward(() => portForward(ctx.kubeContext, NS.app, `svc/${APP.service}`, APP.servicePort, w(ctx).command));
  const id = await poll(ctx, `${APP.deployment} to answer 200 with a v-… identity through ${APP.service}`, w(ctx).app, async () =>
    probeApp(await fw.url(), w(ctx).command),
  );
  ctx.appIdentity = id.dbUser;
  ctx.log.info(`app-ready: ${APP.deployment} answers as ${id.dbUser}`);
}

export const ciliumSpec: UpStep = {
  name: "cilium",
  deps: ["kind-cluster", "kubelet-config"],
  what: "helm cilium (CNI, kube-proxy replacement); wait for the node to be Ready",
  run: ciliumStep,
  diagnose: [TARGETS.cilium, TARGETS.ciliumOperator],
};

export const tetragonSpec: UpStep = {
  name: "tetragon",
  deps: ["cilium"],
  what: "helm tetragon; its DaemonSet rolled out; wait for the TracingPolicy CRDs (cluster-wide and namespaced) and for the agent to finish its /proc scan",
  run: tetragonStep,
  diagnose: [TARGETS.tetragon],
};

export const falcoSpec: UpStep = {
  name: "falco",
  deps: ["namespaces"],
  what: "helm falco (modern_ebpf, JSON, project rules); its DaemonSet rolled out, every pod available",
  run: (ctx) => releaseStep(ctx, "falco"),
  diagnose: [TARGETS.falco],
};

export const csiDriverSpec: UpStep = {
  name: "csi-driver",
  deps: ["cilium"],
  what: "helm secrets-store-csi-driver (rotation on, no Secret sync); its DaemonSet rolled out, every pod available",
  run: (ctx) => releaseStep(ctx, "secrets-store-csi-driver"),
  diagnose: [TARGETS.csi],
};

export const vaultSpec: UpStep = {
  name: "vault",
  // images-load: Vault's images are in the node before its pods start (steps/images.ts)
  deps: ["namespaces", "images-load"],
  what: "helm vault (dev mode, generated root token, CSI provider); the CSI provider DaemonSet rolled out; vault-0 replaced if on an old revision (OnDelete), then Ready (read through the API)",
  run: vaultStep,
  diagnose: [TARGETS.vault],
};

export const postgresSpec: UpStep = {
  name: "postgres",
  deps: ["namespaces"],
  what: "apply Postgres; stream the bootstrap password in; wait Ready",
  run: postgresStep,
  diagnose: [TARGETS.postgres],
};

export const clusterDnsSpec: UpStep = {
  name: "cluster-dns",
  deps: ["cilium", "postgres"],
  what: "CoreDNS rolled out; postgres.postgres.svc resolves to its Service IP inside postgres-0 (Vault verifies its DB connection by that name)",
  run: clusterDnsStep,
  diagnose: [TARGETS.coredns, TARGETS.postgres],
};

export const configureVaultSpec: UpStep = {
  name: "configure-vault",
  deps: ["vault", "postgres", "postgres-hba", "cluster-dns"],
  what: "configure Vault through harness/vault (skipped when Vault holds what the profile renders; re-applied, naming what drifted, otherwise)",
  run: configureVaultStep,
  diagnose: [TARGETS.vault, TARGETS.postgres],
};

export const appReadySpec: UpStep = {
  name: "app-ready",
  deps: ["app", "network-enforcing"],
  what: "GET / through secure-test-app-svc until 200 with a v-… identity",
  run: appReadyStep,
  // cilium and sink: the app's egress policy is enforced by then, and a policy that blocks its database shows there
  diagnose: [TARGETS.app, TARGETS.postgres, TARGETS.csi, TARGETS.vault, TARGETS.cilium, TARGETS.sink],
};
