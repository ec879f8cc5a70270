import { describe, expect, it } from "vitest";
import { renderReleases } from "../../../clusters/helm/releases.ts";
import { versions } from "../../../clusters/versions.ts";
import { canonicalJson, releaseState, valuesDigest, type DeployedRelease } from "../../../harness/helm/release-state.ts";
import { loadProfile } from "../../../harness/profile.ts";
import { generateVaultRootToken } from "../../../harness/cluster/state/vault-root-token.ts";

const ROOT_TOKEN = generateVaultRootToken();
const releases = renderReleases({
  clusterName: "secretproof",
  profile: loadProfile("ci"),
  versions,
  secrets: { vaultRootToken: ROOT_TOKEN },
  falcoRules: "- rule: x\n",
});
const spec = releases.cilium;
const deployed = (over: Partial<DeployedRelease> = {}): DeployedRelease => ({
  name: "cilium",
  namespace: "kube-system",
  revision: "1",
  status: "deployed",
  chart: "cilium-1.20.0",
  ...over,
});
/** What `helm get values -o json` prints: the same values, keys in another order, after a YAML round trip. */
const asHelmPrintsThem = (v: unknown): unknown =>
  v && typeof v === "object" && !Array.isArray(v)
    ? Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, asHelmPrintsThem(x)]))
    : v;

describe("helm release convergence (second up changes nothing)", () => {
  it("skips a release deployed at the pinned chart with identical values", () => {
    const s = releaseState(spec, deployed(), JSON.parse(JSON.stringify(spec.values)));
    expect(s.action).toBe("skip");
    expect(s.reason).toMatch(/^deployed cilium-1\.20\.0 with identical values \([0-9a-f]{16}\)$/);
  });

  it("treats key order as irrelevant", () => {
    expect(canonicalJson({ b: 1, a: { d: 2, c: 3 } })).toBe(canonicalJson({ a: { c: 3, d: 2 }, b: 1 }));
    expect(releaseState(spec, deployed(), asHelmPrintsThem(spec.values)).action).toBe("skip");
  });

  it("upgrades when any value differs, e.g. a new Vault root token", () => {
    const vault = releases.vault;
    const old = JSON.parse(JSON.stringify(vault.values)) as { server: { dev: { devRootToken: string } } };
    const previous = generateVaultRootToken();
    old.server.dev.devRootToken = previous;
    const s = releaseState(vault, deployed({ name: "vault", namespace: "vault", chart: "vault-0.34.1" }), old);
    expect(s.action).toBe("upgrade");
    expect(s.reason).toMatch(/^values differ/);
    expect(s.reason).not.toContain(previous);
    expect(s.reason).not.toContain(ROOT_TOKEN);
  });

  it("upgrades a release deployed at another chart version", () => {
    expect(releaseState(spec, deployed({ chart: "cilium-1.19.6" }), spec.values)).toEqual({
      action: "upgrade",
      reason: "deployed cilium-1.19.6, pinned cilium-1.20.0",
    });
  });

  it("installs a missing release, upgrades a failed one, reinstalls an interrupted install", () => {
    expect(releaseState(spec, undefined, undefined).action).toBe("install");
    expect(releaseState(spec, deployed({ status: "failed" }), undefined).action).toBe("upgrade");
    expect(releaseState(spec, deployed({ status: "pending-install" }), undefined).action).toBe("reinstall");
  });

  it("digests reveal nothing of the values they cover", () => {
    expect(valuesDigest(releases.vault.values)).toMatch(/^[0-9a-f]{16}$/);
    expect(valuesDigest(releases.vault.values)).not.toBe(valuesDigest(releases.falco.values));
  });
});

describe("helm releases an interrupted operation left locked", () => {
  // Every status helm v3.21.3 records (pkg/release/status.go), and what `up` does before `helm upgrade --install`.
  const cases: [status: string, revision: string, action: string][] = [
    ["deployed", "3", "skip"],
    ["failed", "3", "upgrade"],
    ["superseded", "3", "upgrade"],
    ["unknown", "3", "upgrade"],
    ["uninstalled", "3", "upgrade"],
    ["pending-install", "1", "reinstall"],
    ["uninstalling", "3", "reinstall"],
    ["pending-upgrade", "4", "rollback"],
    ["pending-rollback", "5", "rollback"],
    ["pending-upgrade", "1", "reinstall"],
  ];
  it.each(cases)("a %s release at revision %s is repaired by %s", (status, revision, action) => {
    expect(releaseState(spec, deployed({ status, revision }), JSON.parse(JSON.stringify(spec.values))).action).toBe(action);
  });

  it("never upgrades a pending release, which helm refuses with \"another operation is in progress\"", () => {
    for (const status of ["pending-install", "pending-upgrade", "pending-rollback"]) {
      expect(releaseState(spec, deployed({ status, revision: "2" }), undefined).action, status).not.toBe("upgrade");
    }
  });

  it("says which revision the rollback returns to", () => {
    expect(releaseState(spec, deployed({ status: "pending-upgrade", revision: "4" }), undefined).reason).toBe(
      "an earlier upgrade was interrupted (pending-upgrade at revision 4); rolling back to 3 unlocks it",
    );
  });
});
