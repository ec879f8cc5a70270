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
  action: "install" | "upgrade" | "reinstall" | "skip";
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
 * Decides what `helm upgrade --install` must do: nothing when the release is
 * deployed at the pinned chart version with exactly the rendered values (as
 * `helm get values` returns them), reinstall when an earlier install was
 * interrupted (helm refuses to touch a pending-install release), else
 * install or upgrade. Pure, so idempotence is tested without a cluster.
 */
export function releaseState(spec: ReleaseSpec, found: DeployedRelease | undefined, deployedValues: unknown): ReleaseState {
  const want = `${spec.chart.chart}-${spec.chart.version}`;
  if (!found) return { action: "install", reason: "not installed" };
  if (found.status === "pending-install") return { action: "reinstall", reason: "an earlier install was interrupted (pending-install)" };
  if (found.status !== "deployed") return { action: "upgrade", reason: `release status is ${found.status}` };
  if (found.chart !== want) return { action: "upgrade", reason: `deployed ${found.chart}, pinned ${want}` };
  const have = valuesDigest(deployedValues);
  const wantDigest = valuesDigest(spec.values);
  if (have !== wantDigest) return { action: "upgrade", reason: `values differ (deployed ${have}, rendered ${wantDigest})` };
  return { action: "skip", reason: `deployed ${want} with identical values (${wantDigest})` };
}
