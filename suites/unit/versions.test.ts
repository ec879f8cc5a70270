import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { versions } from "../../clusters/versions.ts";

describe("pinned versions", () => {
  it("pins images we run directly by tag and digest", () => {
    for (const ref of [versions.kind.nodeImage, versions.images.postgres, versions.images.pythonBase]) {
      expect(ref).toMatch(/^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$/);
    }
  });

  it("never uses a floating tag", () => {
    const all = JSON.stringify(versions);
    expect(all).not.toMatch(/:latest\b|"latest"/);
    for (const c of Object.values(versions.charts)) expect(c.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(versions.falco.rulesRef).toMatch(/:\d+\.\d+\.\d+$/);
  });

  it("gives every pin a renovate comment", async () => {
    const text = await readFile("clusters/versions.ts", "utf8");
    const lines = text.split("\n");
    const pinLines = lines
      .map((l, i) => ({ l, i }))
      .filter(({ l }) => /^\s+\w+: (\{ repo:|"v?\d|"[\w./-]+:[\w.@:-]+")/.test(l))
      .filter(({ l }) => !/sha256\w*:|secretproof\//i.test(l));
    expect(pinLines.length).toBeGreaterThanOrEqual(12);
    for (const { l, i } of pinLines) {
      const above = lines.slice(Math.max(0, i - 2), i).join("\n");
      expect(above, l.trim()).toMatch(/\/\/ renovate: datasource=/);
    }
  });

  it("pins the kubeadm API the node image speaks", () => {
    const minor = Number(/kindest\/node:v1\.(\d+)\./.exec(versions.kind.nodeImage)?.[1]);
    expect(versions.kind.kubeadmApi).toBe(minor <= 35 ? "kubeadm.k8s.io/v1beta3" : "kubeadm.k8s.io/v1beta4");
  });
});
