import { describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { imageStoreOf, preloadSkippedFor } from "../../../harness/cluster/up/judges/image-store.ts";
import { preloadPlan } from "../../../harness/cluster/up/judges/preload.ts";
import { IMAGE_USE } from "../../../harness/cluster/up/steps/images.ts";

describe("the images preloaded into the kind node", () => {
  it("loads the pinned images pods run by tag (Vault and its CSI provider), and leaves the digest-pinned Postgres to the kubelet", () => {
    const p = preloadPlan(versions.images, IMAGE_USE);
    expect(p.load).toEqual([versions.images.vault, versions.images.vaultCsiProvider]);
    expect(p.skipped.find((s) => s.ref === versions.images.postgres)?.why).toMatch(/pinned by digest: a loaded image keeps no registry digest, so the kubelet would pull it again/);
  });

  it("leaves the app (built and loaded on its own) and the build's base image (pulled by the build beside kind create) alone", () => {
    const p = preloadPlan(versions.images, IMAGE_USE);
    expect(p.load).not.toContain(versions.images.app);
    expect(p.load).not.toContain(versions.images.pythonBase);
    expect(p.skipped.map((s) => s.ref)).toEqual(expect.arrayContaining([versions.images.app, versions.images.pythonBase]));
  });

  it("refuses an image with no declared use, so a new pin says whether a pod runs it", () => {
    expect(() => preloadPlan({ redis: "redis:7.4" }, {})).toThrow("images.redis (redis:7.4) has no declared use");
  });
});

describe("the preload under the daemon's image store", () => {
  // `docker info --format '{{json .DriverStatus}}'` as moby v28.5.2 prints it: the containerd store's one pair, overlay2's own
  const containerd = '[["driver-type","io.containerd.snapshotter.v1"]]\n';
  const overlay2 = '[["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"],["Native Overlay Diff","true"],["userxattr","false"]]\n';

  it("tells the containerd image store from the classic one", () => {
    expect(imageStoreOf(containerd)).toBe("containerd");
    expect(imageStoreOf(overlay2)).toBe("classic");
    expect(imageStoreOf("null\n")).toBe("unknown");
    expect(imageStoreOf("template: :1: function \"json\" not defined")).toBe("unknown");
  });

  it("skips the pre-load under the containerd store, saying why and that the kubelet pulls, and pre-loads otherwise", () => {
    expect(preloadSkippedFor("containerd")).toMatch(/containerd image store.*content digest … not found.*kubernetes-sigs\/kind#3795.*the kubelet pulls them$/);
    expect(preloadSkippedFor("classic")).toBeUndefined();
    expect(preloadSkippedFor("unknown")).toBeUndefined();
  });
});
