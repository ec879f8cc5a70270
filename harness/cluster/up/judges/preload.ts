/**
 * Which pinned images the runner pulls while kind creates the cluster and
 * then loads into the node, so their pods start without a pull.
 *
 * Only references by tag are loaded. `kind load docker-image` saves the
 * image with `docker save` and imports the archive with `ctr images import
 * --all-platforms --digests` (kubernetes-sigs/kind
 * pkg/cmd/kind/load/docker-image/docker-image.go:181,209-211 and
 * pkg/cluster/nodeutils/util.go:86 at fed26882, after v0.33.0-alpha): the
 * imported image keeps its tag but not the registry's manifest digest
 * (kubernetes-sigs/kind#2734), so a pod that names the image by digest does
 * not find it and the kubelet pulls it again (kubernetes-sigs/kind#2394,
 * #4028). Loading such an image only costs time.
 */

export interface PreloadPlan {
  /** Pulled on the runner, then loaded into the node. */
  load: string[];
  /** Left to the kubelet (or the build), with why. */
  skipped: { ref: string; why: string }[];
}

/** What each pinned image is for (clusters/versions.ts `images`): a pod's image, the app build's base, or the app built here. */
export type ImageUse = "pod" | "build-base" | "built";

const DIGEST = /@sha256:[0-9a-f]{64}$/;

export function preloadPlan(images: Readonly<Record<string, string>>, use: Readonly<Record<string, ImageUse>>): PreloadPlan {
  const plan: PreloadPlan = { load: [], skipped: [] };
  for (const [key, ref] of Object.entries(images)) {
    const u = use[key];
    if (u === undefined) throw new Error(`images.${key} (${ref}) has no declared use: say whether a pod runs it, the app build starts from it, or it is built here`);
    if (u === "built") plan.skipped.push({ ref, why: "built on the runner and loaded by app-image-load" });
    else if (u === "build-base") plan.skipped.push({ ref, why: "pulled by the app's docker build, which already runs beside kind create" });
    else if (DIGEST.test(ref)) plan.skipped.push({ ref, why: "pinned by digest: a loaded image keeps no registry digest, so the kubelet would pull it again (kubernetes-sigs/kind#2394, #2734)" });
    else plan.load.push(ref);
  }
  return plan;
}
