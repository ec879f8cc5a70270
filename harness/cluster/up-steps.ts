import { stringify } from "yaml";
import { versions } from "../../clusters/versions.ts";
import { renderAppDeployment } from "../../fixtures/manifests/app-deployment.ts";
import { toMs } from "../core/duration.ts";
import { run } from "../core/exec.ts";
import { waitFor } from "../core/wait.ts";
import { registerSecrets } from "./state.ts";
import { helm } from "../helm/helm.ts";
import { clusterExists, createOrReuseCluster } from "../kind/kind.ts";
import { clusterLogsWriter, exportLogsRedacted } from "../kind/logs.ts";
import { connectKube } from "../kube/client.ts";
import { kubectl } from "../kube/kubectl.ts";
import { planProblems } from "../schemas/check-plan.ts";
import { configureVault } from "../vault/configure.ts";
import { EXTERNAL, loadFalcoRules, REPO_ROOT, vaultBinding } from "./external.ts";
import { encryptionHostDir, ensureSecrets, writeEncryptionConfig, writeKindConfig } from "./local-state.ts";
import { planStack } from "./plan.ts";
import { renderFiles, toYamlDocuments } from "./render.ts";
import { need, type UpContext } from "./up-context.ts";

const ms = (ctx: UpContext, pick: (w: UpContext["profile"]["waits"]) => string) => toMs(pick(ctx.profile.waits));

/** Secrets loaded or generated, registered for redaction, EncryptionConfiguration on disk. */
export async function stateStep(ctx: UpContext): Promise<void> {
  ctx.clusterExisted = await clusterExists({ name: ctx.clusterName, commandMs: ms(ctx, (w) => w.command) });
  const { secrets, generated } = await ensureSecrets(ctx.stateDir, ctx.clusterExisted);
  registerSecrets(secrets);
  ctx.secrets = secrets;
  await writeEncryptionConfig(ctx.stateDir, secrets, ctx.clusterExisted);
  ctx.log.info(`state: ${generated ? "generated new" : "reusing"} cluster secrets in ${ctx.stateDir}`);
}

/** What other modules provide (Falco rules, Vault configuration), loaded before anything heavy starts. */
export async function fixturesStep(ctx: UpContext): Promise<void> {
  const falcoRules = await loadFalcoRules();
  ctx.binding = vaultBinding();
  ctx.configureVault = configureVault;
  ctx.falcoRules = falcoRules;
}

/** Renders and checks the plan once the secrets (state) and the fixtures are known. */
export function planAfterState(ctx: UpContext): void {
  const plan = planStack({
    clusterName: ctx.clusterName,
    profile: ctx.profile,
    versions,
    secrets: need(ctx, "secrets"),
    encryptionHostDir: encryptionHostDir(ctx.stateDir),
    vault: need(ctx, "binding"),
    falcoRules: need(ctx, "falcoRules"),
    vaultAddr: "(port-forward to svc/vault, chosen at run time)",
  });
  const problems = planProblems(plan, versions);
  if (problems.length) throw new Error(`the rendered stack is invalid:\n  ${problems.join("\n  ")}`);
  ctx.plan = plan;
}

export async function kindStep(ctx: UpContext): Promise<void> {
  planAfterState(ctx);
  await recordStack(ctx);
  const configPath = await writeKindConfig(ctx.stateDir, stringify(need(ctx, "plan").kindConfig, { lineWidth: 0 }));
  const cluster = await createOrReuseCluster({
    name: ctx.clusterName,
    commandMs: ms(ctx, (w) => w.command),
    createMs: ms(ctx, (w) => w.clusterCreate),
    configPath,
    onCreateFailure: (c) => exportLogsRedacted(c, clusterLogsWriter(ctx.evidence.dir), "kind-create"),
  });
  ctx.cluster = cluster;
  ctx.kubectl = kubectl(cluster.context, ms(ctx, (w) => w.command));
  ctx.kube = connectKube(cluster.context);
  ctx.helm = helm({ context: cluster.context, commandMs: ms(ctx, (w) => w.command), scratchDir: ctx.stateDir });
  ctx.log.info(`kind-cluster: ${cluster.created ? "created" : "reusing"} ${cluster.name} (context ${cluster.context})`);
}

/** What this run applies, into the run directory (the writer redacts the secrets inside). */
async function recordStack(ctx: UpContext): Promise<void> {
  for (const [path, text] of Object.entries(renderFiles(need(ctx, "plan")))) await ctx.evidence.write(`stack/${path}`, text);
}

export async function appImageStep(ctx: UpContext): Promise<void> {
  const timeoutMs = ms(ctx, (w) => w.imageBuild);
  await run("docker", ["build", "--tag", versions.images.app, `${REPO_ROOT}${EXTERNAL.appDir}`], { timeoutMs });
  const r = await run("docker", ["image", "inspect", "--format", "{{.Id}}", versions.images.app], { timeoutMs: ms(ctx, (w) => w.command) });
  ctx.appImageId = r.stdout.trim();
  ctx.log.info(`app-image: ${versions.images.app} is ${ctx.appImageId}`);
}

export async function appImageLoadStep(ctx: UpContext): Promise<void> {
  await need(ctx, "cluster").loadImage(versions.images.app);
}

export async function namespacesStep(ctx: UpContext): Promise<void> {
  await need(ctx, "kubectl").apply(toYamlDocuments(need(ctx, "plan").namespaces));
}

/** The app objects, its pod template annotated with the image ID so a rebuilt image rolls out. */
export async function appStep(ctx: UpContext): Promise<void> {
  const plan = need(ctx, "plan");
  const deployment = renderAppDeployment(versions.images.app, need(ctx, "appImageId"));
  const k = need(ctx, "kubectl");
  await k.apply(toYamlDocuments([plan.app.secretProviderClass, plan.app.service, deployment]));
  await k.rolloutStatus(deployment.metadata!.namespace!, `deployment/${deployment.metadata!.name!}`, ms(ctx, (w) => w.rollout));
}

/** Polls with the profile's interval until `probe` is done. */
export function poll<T>(ctx: UpContext, what: string, timeoutMs: number, probe: Parameters<typeof waitFor<T>>[1]): Promise<T> {
  return waitFor(what, probe, { timeoutMs, intervalMs: ms(ctx, (w) => w.poll) });
}
