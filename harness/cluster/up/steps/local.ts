import { stringify } from "yaml";
import { versions } from "../../../../clusters/versions.ts";
import { toMs } from "../../../../clusters/duration.ts";
import { PermanentError } from "../../../core/errors.ts";
import { ExecError, run } from "../../../core/exec.ts";
import { waitFor } from "../../../core/wait.ts";
import { registerSecrets } from "../../state/state.ts";
import { helm } from "../../../helm/helm.ts";
import { clusterExists, createOrReuseCluster } from "../../../kind/kind.ts";
import { clusterLogsWriter, exportLogsRedacted } from "../../../kind/logs.ts";
import { connectKube } from "../../../kube/client.ts";
import { kubectl } from "../../../kube/kubectl.ts";
import { planProblems } from "../../render/check-plan.ts";
import { configureVault } from "../../../vault/configure.ts";
import { EXTERNAL, loadFalcoRules, REPO_ROOT, vaultBinding } from "../../render/external.ts";
import { appBuildArgs, legacyBuilderMessage } from "../judges/app-build.ts";
import { kindReuseProblem } from "../judges/kind-reuse.ts";
import {
  encryptionHostDir,
  ensureSecrets,
  readCreatedKindConfig,
  recordCreatedKindConfig,
  writeEncryptionConfig,
  writeKindConfig,
} from "../../state/local-state.ts";
import { planStack } from "../../render/plan.ts";
import { renderFiles, STACK_DIR, toYamlDocuments } from "../../render/render.ts";
import { need, type UpContext, type UpStep } from "../context.ts";
import { mutatePlan, mutatedEncryptionConfig, recordMutation } from "../../../mutations/hooks.ts";

const ms = (ctx: UpContext, pick: (w: UpContext["profile"]["waits"]) => string) => toMs(pick(ctx.profile.waits));

/** Secrets loaded or generated, registered for redaction, EncryptionConfiguration on disk. */
export async function stateStep(ctx: UpContext): Promise<void> {
  ctx.clusterExisted = await clusterExists({ name: ctx.clusterName, commandMs: ms(ctx, (w) => w.command) });
  const { secrets, generated } = await ensureSecrets(ctx.stateDir, ctx.clusterExisted);
  registerSecrets(secrets);
  ctx.secrets = secrets;
  await recordMutation(ctx.stateDir, ctx.mutation, ctx.clusterExisted);
  await writeEncryptionConfig(ctx.stateDir, secrets, ctx.clusterExisted, mutatedEncryptionConfig(secrets, ctx.mutation));
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
  // a mutation breaks the checked stack on purpose, so it is applied after the checks
  ctx.plan = mutatePlan(plan, ctx.mutation);
}

/**
 * Creates the cluster, or reuses it only if it was created from the kind
 * config rendered now (kind-reuse.ts); a new cluster's config is recorded in
 * the state directory for the next `up` to compare with.
 */
export async function kindStep(ctx: UpContext): Promise<void> {
  planAfterState(ctx);
  await recordStack(ctx);
  const yaml = stringify(need(ctx, "plan").kindConfig, { lineWidth: 0 });
  const configPath = await writeKindConfig(ctx.stateDir, yaml);
  const cluster = await createOrReuseCluster({
    name: ctx.clusterName,
    commandMs: ms(ctx, (w) => w.command),
    createMs: ms(ctx, (w) => w.clusterCreate),
    configPath,
    onCreateFailure: (c) => exportLogsRedacted(c, clusterLogsWriter(ctx.evidence.dir), "kind-create"),
  });
  if (cluster.created) await recordCreatedKindConfig(ctx.stateDir, yaml);
  else {
    const problem = kindReuseProblem(cluster.name, await readCreatedKindConfig(ctx.stateDir), yaml);
    if (problem) throw new PermanentError(problem);
  }
  ctx.cluster = cluster;
  ctx.kubectl = kubectl(cluster.context, ms(ctx, (w) => w.command));
  ctx.kube = connectKube(cluster.context);
  ctx.helm = helm({ context: cluster.context, commandMs: ms(ctx, (w) => w.command), scratchDir: ctx.stateDir });
  ctx.log.info(`kind-cluster: ${cluster.created ? "created" : "reusing"} ${cluster.name} (context ${cluster.context})`);
}

/** What this run applies, into the run directory (the writer redacts the secrets inside). */
async function recordStack(ctx: UpContext): Promise<void> {
  for (const [path, text] of Object.entries(renderFiles(need(ctx, "plan")))) await ctx.evidence.write(`${STACK_DIR}/${path}`, text);
}

export async function appImageStep(ctx: UpContext): Promise<void> {
  const timeoutMs = ms(ctx, (w) => w.imageBuild);
  await run("docker", appBuildArgs(versions.images.app, `${REPO_ROOT}${EXTERNAL.appDir}`), { timeoutMs }).catch((err: unknown) => {
    const why = err instanceof ExecError ? legacyBuilderMessage(err.result.stderr ?? err.message) : undefined;
    throw why ? new PermanentError(why, { cause: err }) : err;
  });
  const r = await run("docker", ["image", "inspect", "--format", "{{.Id}}", versions.images.app], { timeoutMs: ms(ctx, (w) => w.command) });
  ctx.appImageId = r.stdout.trim();
  ctx.log.info(`app-image: ${versions.images.app} is ${ctx.appImageId}`);
}

export async function appImageLoadStep(ctx: UpContext): Promise<void> {
  await need(ctx, "cluster").loadImages([versions.images.app]);
}

export async function namespacesStep(ctx: UpContext): Promise<void> {
  await need(ctx, "kubectl").apply(toYamlDocuments(need(ctx, "plan").namespaces));
}

/** Polls with the profile's interval until `probe` is done. */
export function poll<T>(ctx: UpContext, what: string, timeoutMs: number, probe: Parameters<typeof waitFor<T>>[1]): Promise<T> {
  return waitFor(what, probe, { timeoutMs, intervalMs: ms(ctx, (w) => w.poll) });
}

export const stateSpec: UpStep = {
  name: "state",
  deps: [],
  what: "load or generate the cluster secrets (0600, outside the repository), write the EncryptionConfiguration",
  run: stateStep,
};

export const fixturesSpec: UpStep = {
  name: "fixtures",
  deps: [],
  what: "load the Falco rules and the Vault configuration module",
  run: fixturesStep,
};

export const kindClusterSpec: UpStep = {
  name: "kind-cluster",
  deps: ["state", "fixtures"],
  what: "render and check every object (recorded in the run, redacted); create the single-node kind cluster, or reuse it",
  run: kindStep,
};

export const appImageSpec: UpStep = {
  name: "app-image",
  deps: ["fixtures"],
  what: "docker build fixtures/app",
  run: appImageStep,
};

export const namespacesSpec: UpStep = {
  name: "namespaces",
  deps: ["cilium"],
  what: "apply the labelled namespaces",
  run: namespacesStep,
  diagnose: [],
};

export const appImageLoadSpec: UpStep = {
  name: "app-image-load",
  deps: ["kind-cluster", "app-image"],
  what: "kind load docker-image (no CNI needed)",
  run: appImageLoadStep,
};
