import { versions } from "../../../../clusters/versions.ts";
import { renderAppDeployment } from "../../../../fixtures/manifests/app-deployment.ts";
import { toMs } from "../../../../clusters/duration.ts";
import { APP, APP_SELECTOR, NS } from "../../../../clusters/names.ts";
import { APP_MANIFEST, appManifest, STACK_DIR } from "../../render/render.ts";
import { decideAppRestart } from "../judges/tetragon-scan.ts";
import { appStarts } from "../probes/tetragon-ready.ts";
import { tetragonScanned } from "./stack.ts";
import { decideRestartAfterVault } from "../judges/vault-drift.ts";
import { need, type UpContext, type UpStep } from "../context.ts";
import { TARGETS } from "../diagnostics.ts";
import { mutatedDeployment } from "../../../mutations/hooks.ts";

const selector = Object.entries(APP_SELECTOR).map(([k, v]) => `${k}=${v}`).join(",");

/**
 * The app objects, its pod template annotated with the image ID so a rebuilt
 * image rolls out. The step runs after Tetragon (and Falco), so a new app pod
 * starts where the exec sensor sees it; on a reused cluster whose Tetragon
 * agent restarted after the app, or whose Vault configuration was applied
 * again after the app started, the app is restarted (tetragon-ready.ts,
 * vault-drift.ts).
 */
export async function appStep(ctx: UpContext): Promise<void> {
  const plan = need(ctx, "plan");
  const deployment = mutatedDeployment(renderAppDeployment(versions.images.app, need(ctx, "appImageId")), plan, ctx.mutation);
  const k = need(ctx, "kubectl");
  const rollout = toMs(ctx.profile.waits.rollout);
  const ref = `deployment/${APP.deployment}`;
  const manifest = appManifest({ ...plan.app, deployment }, plan.appObjects);
  // kind-cluster recorded the plan before the image ID was known: this is what is applied, annotation included.
  await ctx.evidence.write(`${STACK_DIR}/${APP_MANIFEST}`, manifest);
  await k.apply(manifest);
  await k.rolloutStatus(NS.app, ref, rollout);
  const scanned = await tetragonScanned(ctx);
  const pods = await need(ctx, "kube").core.listNamespacedPod({ namespace: NS.app, labelSelector: selector });
  const starts = appStarts(pods.items);
  const decisions = [decideAppRestart(scanned, starts), decideRestartAfterVault(ctx.vaultAppliedAt, starts)];
  const why = decisions.filter((d) => d.restart);
  for (const d of why.length ? why : decisions) ctx.log.info(`app: ${why.length ? "restarting" : "keeping"} ${APP.deployment}: ${d.reason}`);
  if (!why.length) return;
  await k.run(["-n", NS.app, "rollout", "restart", ref]);
  await k.rolloutStatus(NS.app, ref, rollout);
}

export const appSpec: UpStep = {
  name: "app",
  // network: the app's egress policy exists before an app pod starts (network-enforcing then checks it is enforced)
  deps: ["configure-vault", "vault-login", "csi-driver", "app-image-load", "tetragon", "falco", "network"],
  what: "apply SecretProviderClass, Deployment, Service; wait for the rollout; restart the app if Tetragon's agent scanned /proc after it started",
  run: appStep,
  diagnose: [TARGETS.app, TARGETS.csi, TARGETS.vault, TARGETS.tetragon],
};
