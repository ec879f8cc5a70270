/**
 * Which image store the Docker daemon uses, and whether pre-loading pulled
 * images into the kind node can work under it.
 *
 * Under the containerd image store, `docker info`'s DriverStatus is the one
 * pair ["driver-type", "io.containerd.snapshotter.v1"] (moby/moby v28.5.2
 * daemon/containerd/service.go:106-111, daemon/info.go:156;
 * containerd plugins/types.go:39); the classic graph drivers list their own
 * pairs ("Backing Filesystem", …). There, a pulled multi-platform tag is an
 * index whose other platforms' content was never fetched: `docker save`
 * writes the index, and kind's `ctr images import --all-platforms` fails
 * with "content digest … not found" (kubernetes-sigs/kind#3795, #4224;
 * the workaround documented by kubernetes-sigs/kind#4247).
 */
export type ImageStore = "containerd" | "classic" | "unknown";

const CONTAINERD_SNAPSHOTTER = "io.containerd.snapshotter.v1";

/** The store, from `docker info --format '{{json .DriverStatus}}'`'s output; "unknown" when it is not that JSON. */
export function imageStoreOf(driverStatusJson: string): ImageStore {
  let v: unknown;
  try {
    v = JSON.parse(driverStatusJson.trim());
  } catch {
    return "unknown";
  }
  if (!Array.isArray(v)) return "unknown";
  return v.some((pair) => Array.isArray(pair) && pair.includes(CONTAINERD_SNAPSHOTTER)) ? "containerd" : "classic";
}

/** Why the pulled images are not pre-loaded under `store`, or undefined when they are. */
export function preloadSkippedFor(store: ImageStore): string | undefined {
  if (store !== "containerd") return undefined;
  return (
    "Docker uses the containerd image store, where `kind load docker-image` of a pulled multi-platform tag fails with " +
    '"content digest … not found" (kubernetes-sigs/kind#3795, #4224): not pulling or saving them, the kubelet pulls them'
  );
}
