import { createHash } from "node:crypto";
import type { ReleaseSpec } from "../../clusters/helm/releases.ts";

/** One row of `helm list --output json`. */
export interface DeployedRelease {
  name: string;
  namespace: string;
  revision: string;
  status: string;
  /** "<chart>-<version>", e.g. "cilium-1.20.0". */
  chart: string;
  app_version?: string;
}

export interface ReleaseState {
  /**
   * install/upgrade: `helm upgrade --install`; reinstall: `helm uninstall`
   * first; rollback: `helm rollback` to the previous revision first (which
   * unlocks the release), then upgrade; skip: nothing.
   */
  action: "install" | "upgrade" | "reinstall" | "rollback" | "skip";
  reason: string;
}

/** JSON with object keys sorted, so equal values serialise equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** sha256 of the canonical values; safe to print (it reveals nothing of a secret inside). */
export function valuesDigest(values: unknown): string {
  return createHash("sha256").update(canonicalJson(values ?? {})).digest("hex").slice(0, 16);
}

/**
 * What an interrupted operation left, and how to get past it. helm v3.21.3
 * refuses to upgrade any release whose last revision is pending-install,
 * pending-upgrade or pending-rollback ("another operation
 * (install/upgrade/rollback) is in progress": pkg/action/upgrade.go:218-221,
 * pkg/action/action.go:63, pkg/release/status.go:47-48), and `upgrade
 * --install` only installs when no revision exists or the last is
 * "uninstalled" (cmd/helm/upgrade.go:121-125). `helm rollback` does not check
 * for a pending status (pkg/action/rollback.go:95-129) and records a new
 * revision, deployed or failed (rollback.go:197-201), either of which upgrade
 * accepts (upgrade.go:224-236). An "uninstalling" release has no deployed
 * revision and is neither failed nor superseded, so upgrade refuses it too.
 */
function interrupted(found: DeployedRelease): ReleaseState | undefined {
  const s = found.status;
  if (s === "pending-install") return { action: "reinstall", reason: "an earlier install was interrupted (pending-install)" };
  if (s === "uninstalling") return { action: "reinstall", reason: "an earlier uninstall was interrupted (uninstalling)" };
  if (s !== "pending-upgrade" && s !== "pending-rollback") return undefined;
  const revision = Number(found.revision);
  if (Number.isInteger(revision) && revision > 1) {
    return { action: "rollback", reason: `an earlier ${s.slice("pending-".length)} was interrupted (${s} at revision ${revision}); rolling back to ${revision - 1} unlocks it` };
  }
  return { action: "reinstall", reason: `${s} at revision ${found.revision} has no earlier revision to roll back to` };
}

/**
 * Decides what `helm upgrade --install` must do: nothing when the release is
 * deployed at the pinned chart version with exactly the rendered values (as
 * `helm get values` returns them), repair first when an earlier operation
 * was interrupted (see `interrupted`), else install or upgrade. Pure, so
 * idempotence is tested without a cluster.
 */
export function releaseState(spec: ReleaseSpec, found: DeployedRelease | undefined, deployedValues: unknown): ReleaseState {
  const want = `${spec.chart.chart}-${spec.chart.version}`;
  if (!found) return { action: "install", reason: "not installed" };
  const repair = interrupted(found);
  if (repair) return repair;
  if (found.status !== "deployed") return { action: "upgrade", reason: `release status is ${found.status}` };
  if (found.chart !== want) return { action: "upgrade", reason: `deployed ${found.chart}, pinned ${want}` };
  const have = valuesDigest(deployedValues);
  const wantDigest = valuesDigest(spec.values);
  if (have !== wantDigest) return { action: "upgrade", reason: `values differ (deployed ${have}, rendered ${wantDigest})` };
  return { action: "skip", reason: `deployed ${want} with identical values (${wantDigest})` };
}
