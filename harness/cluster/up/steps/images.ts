import { versions } from "../../../../clusters/versions.ts";
import { toMs } from "../../../../clusters/duration.ts";
import { run } from "../../../core/exec.ts";
import { preloadPlan, type ImageUse } from "../judges/preload.ts";
import { need, type UpContext, type UpStep } from "../context.ts";

/** What each image in versions.images is for (judges/preload.ts). */
export const IMAGE_USE: Readonly<Record<keyof typeof versions.images, ImageUse>> = {
  vault: "pod",
  vaultCsiProvider: "pod",
  postgres: "pod",
  pythonBase: "build-base",
  pythonBuilder: "build-base",
  app: "built",
};

const plan = () => preloadPlan(versions.images, IMAGE_USE);
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Pulls the images to preload, all at once, while kind creates the cluster.
 * A pull that fails is logged and left to the kubelet, which then pulls
 * (and fails) by itself, naming the pod: preloading only saves time.
 */
export async function imagesPullStep(ctx: UpContext): Promise<void> {
  const timeoutMs = toMs(ctx.profile.waits.clusterCreate);
  const p = plan();
  for (const s of p.skipped) ctx.log.info(`images-pull: not preloading ${s.ref}: ${s.why}`);
  const pulled = await Promise.all(
    p.load.map((ref) =>
      run("docker", ["pull", "--quiet", ref], { timeoutMs }).then(
        () => ref,
        (err: unknown) => void ctx.log.info(`images-pull: docker pull ${ref} failed, the kubelet will pull it: ${message(err)}`),
      ),
    ),
  );
  ctx.preloaded = pulled.filter((r): r is string => typeof r === "string");
}

/** Loads what was pulled into the node (kind skips an image the node already holds with the same ID); a failed load is logged, the kubelet pulls instead. */
export async function imagesLoadStep(ctx: UpContext): Promise<void> {
  const cluster = need(ctx, "cluster");
  for (const ref of ctx.preloaded ?? []) {
    await cluster.loadImage(ref).then(
      () => ctx.log.info(`images-load: ${ref} in the node`),
      (err: unknown) => ctx.log.info(`images-load: kind load docker-image ${ref} failed, the kubelet will pull it: ${message(err)}`),
    );
  }
}

export const imagesPullSpec: UpStep = {
  name: "images-pull",
  deps: [],
  what: "docker pull, in parallel, the pinned images pods run by tag (not the digest-pinned ones: judges/preload.ts)",
  run: imagesPullStep,
};

export const imagesLoadSpec: UpStep = {
  name: "images-load",
  deps: ["kind-cluster", "images-pull"],
  what: "kind load docker-image what images-pull pulled (no CNI needed)",
  run: imagesLoadStep,
};
