import { versions } from "../../../../clusters/versions.ts";
import { toMs } from "../../../../clusters/duration.ts";
import { run } from "../../../core/exec.ts";
import { EvidenceRecorder } from "../../../evidence/recorder.ts";
import { imageStoreOf, preloadSkippedFor, type ImageStore } from "../judges/image-store.ts";
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

/** The run.json environment key the daemon's image store is recorded under. */
export const IMAGE_STORE_KEY = "docker image store";

/** The daemon's image store (judges/image-store.ts), asked once; "unknown" (and the preload goes ahead) when docker info fails. */
async function detectImageStore(ctx: UpContext): Promise<ImageStore> {
  const args = ["info", "--format", "{{json .DriverStatus}}"];
  const store = await run("docker", args, { timeoutMs: toMs(ctx.profile.waits.command) }).then(
    (r) => imageStoreOf(r.stdout),
    (err: unknown) => (ctx.log.info(`images-pull: docker ${args.join(" ")} failed, pre-loading as on the classic store: ${message(err)}`), "unknown" as const),
  );
  if (ctx.evidence instanceof EvidenceRecorder) ctx.evidence.record.environment[IMAGE_STORE_KEY] = store;
  return store;
}

/**
 * Pulls the images to preload, all at once, while kind creates the cluster.
 * A pull that fails is logged and left to the kubelet, which then pulls
 * (and fails) by itself, naming the pod: preloading only saves time. Under
 * the containerd image store nothing is pulled: the load would fail.
 */
export async function imagesPullStep(ctx: UpContext): Promise<void> {
  const timeoutMs = toMs(ctx.profile.waits.clusterCreate);
  const skipAll = preloadSkippedFor(await detectImageStore(ctx));
  if (skipAll) {
    ctx.log.info(`images-pull: not preloading: ${skipAll}`);
    ctx.preloaded = [];
    return;
  }
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

/**
 * Loads what was pulled into the node in one `kind load docker-image` (one
 * docker save, one import; kind skips the call only when the node already
 * holds every image with the same ID, else it imports them all). A failed
 * load is logged and the kubelet pulls instead.
 */
export async function imagesLoadStep(ctx: UpContext): Promise<void> {
  const cluster = need(ctx, "cluster");
  const refs = ctx.preloaded ?? [];
  if (refs.length === 0) return;
  await cluster.loadImages(refs).then(
    () => ctx.log.info(`images-load: ${refs.join(", ")} in the node`),
    (err: unknown) => ctx.log.info(`images-load: kind load docker-image ${refs.join(" ")} failed, the kubelet will pull them: ${message(err)}`),
  );
}

export const imagesPullSpec: UpStep = {
  name: "images-pull",
  deps: [],
  what: "docker pull, in parallel, the pinned images pods run by tag (not the digest-pinned ones: judges/preload.ts; none under the containerd image store: judges/image-store.ts)",
  run: imagesPullStep,
};

export const imagesLoadSpec: UpStep = {
  name: "images-load",
  deps: ["kind-cluster", "images-pull"],
  what: "kind load docker-image, in one call, what images-pull pulled (no CNI needed)",
  run: imagesLoadStep,
};
