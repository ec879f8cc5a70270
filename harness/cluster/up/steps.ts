import type { UpStep } from "./context.ts";
import { appSpec } from "./steps/app.ts";
import { networkEnforcingSpec, networkSpec } from "./steps/network.ts";
import { imagesLoadSpec, imagesPullSpec } from "./steps/images.ts";
import { kubeletConfigSpec, postgresHbaSpec, vaultLoginSpec } from "./steps/checks.ts";
import { appImageLoadSpec, appImageSpec, fixturesSpec, kindClusterSpec, namespacesSpec, stateSpec } from "./steps/local.ts";
import { appReadySpec, ciliumSpec, clusterDnsSpec, configureVaultSpec, csiDriverSpec, falcoSpec, postgresSpec, tetragonSpec, vaultSpec } from "./steps/stack.ts";

/**
 * What `up` does, in dependency order. The kubelet's resync period is checked
 * first, then Cilium goes on (nothing schedules without a CNI); the other
 * charts, Postgres and the image load then run in parallel; Vault is
 * configured once Vault, Postgres (its pg_hba checked) and cluster DNS are up,
 * and the app's login through it is checked; the app goes last, after
 * Tetragon and Falco watch (Tetragon must see the app start:
 * tetragon-ready.ts), and `up` ends when it answers through its Service. The
 * image build, and the pull of the pinned images pods run by tag, run
 * alongside cluster creation; those images are loaded into the node before
 * Vault's release needs them; the exfiltration sink and the app's egress
 * policy go on once the app image is loaded, before the app, and `up` ends
 * only once Cilium enforces that policy on the app's pods.
 *
 * Each step is one spec beside its body (steps/*.ts): name, dependencies,
 * what it does, its body and what to diagnose when it fails.
 */
export const UP_STEPS: readonly UpStep[] = [
  stateSpec,
  fixturesSpec,
  kindClusterSpec,
  kubeletConfigSpec,
  appImageSpec,
  imagesPullSpec,
  imagesLoadSpec,
  ciliumSpec,
  namespacesSpec,
  tetragonSpec,
  falcoSpec,
  csiDriverSpec,
  vaultSpec,
  postgresSpec,
  postgresHbaSpec,
  appImageLoadSpec,
  clusterDnsSpec,
  configureVaultSpec,
  vaultLoginSpec,
  appSpec,
  appReadySpec,
  networkSpec,
  networkEnforcingSpec,
];

/** The step of that name, if `up` has one. */
export function upStep(name: string): UpStep | undefined {
  return UP_STEPS.find((s) => s.name === name);
}
