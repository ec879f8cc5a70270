import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { stringify } from "yaml";
import type { StackPlan } from "./plan.ts";

/** Multi-document YAML, as `kubectl apply -f` takes it. */
export function toYamlDocuments(objects: readonly object[]): string {
  return objects.map((o) => stringify(o, { lineWidth: 0 })).join("---\n");
}

/** Where a run records the files renderFiles returns (inside the run directory). */
export const STACK_DIR = "stack";

/** Where the app's objects are recorded among the files renderFiles returns. */
export const APP_MANIFEST = "manifests/20-app.yaml";

/** The app's objects as `up` applies them: SecretProviderClass, Service, Deployment, then any further objects. */
export function appManifest(app: Pick<StackPlan["app"], "secretProviderClass" | "service" | "deployment">, objects: readonly object[] = []): string {
  return toYamlDocuments([app.secretProviderClass, app.service, app.deployment, ...objects]);
}

/** Where the network claim's objects are recorded among the files renderFiles returns. */
export const NETWORK_MANIFEST = "manifests/30-network.yaml";

/** The sink, its Service, the client, and the app's egress policy, as `up` applies them. */
export function networkManifest(n: StackPlan["network"]): string {
  return toYamlDocuments([n.sinkService, n.sink, n.client, n.policy]);
}

/**
 * Every file `up` would apply, keyed by relative path: the kind config, the
 * EncryptionConfiguration, one values file per helm release (plus the
 * release list), the manifests, and the Vault configuration input.
 */
export function renderFiles(plan: StackPlan, extra: Record<string, unknown> = {}): Record<string, string> {
  const files: Record<string, string> = {
    "kind/cluster.yaml": stringify(plan.kindConfig, { lineWidth: 0 }),
    "kind/encryption-config.yaml": stringify(plan.encryptionConfig),
    "manifests/00-namespaces.yaml": toYamlDocuments(plan.namespaces),
    "manifests/10-postgres.yaml": toYamlDocuments([plan.postgres.service, plan.postgres.statefulSet]),
    [APP_MANIFEST]: appManifest(plan.app, plan.appObjects),
    [NETWORK_MANIFEST]: networkManifest(plan.network),
    "vault/configure-vault.json": `${JSON.stringify({ call: "configureVault", opts: plan.configureVault }, null, 2)}\n`,
  };
  const releases = Object.values(plan.releases);
  files["helm/releases.yaml"] = stringify(
    releases.map((r) => ({ release: r.name, namespace: r.namespace, repo: r.chart.repo, chart: r.chart.chart, version: r.chart.version })),
  );
  for (const r of releases) files[`helm/${r.name}.values.yaml`] = stringify(r.values, { lineWidth: 0 });
  for (const [path, value] of Object.entries(extra)) {
    files[path] = typeof value === "string" ? value : `${JSON.stringify(value, null, 2)}\n`;
  }
  return files;
}

export async function writeFiles(outDir: string, files: Record<string, string>): Promise<string[]> {
  const written: string[] = [];
  for (const [rel, text] of Object.entries(files)) {
    const full = join(outDir, rel);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
    written.push(rel);
  }
  return written.sort();
}
