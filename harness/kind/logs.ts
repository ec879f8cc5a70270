import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { ArtifactWriter } from "../evidence/recorder.ts";
import type { KindCluster } from "./kind.ts";

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? walk(join(dir, e.name)) : Promise.resolve(e.isFile() ? [join(dir, e.name)] : []))),
  );
  return nested.flat();
}

/**
 * Where a run's kind node logs go: beside the evidence bundle, not inside it.
 * They are diagnostics of uncontrolled shape (journal, containerd, every pod's
 * log), so they stay out of the manifest the bundle is verified against.
 */
export function clusterLogsWriter(runDir: string): ArtifactWriter {
  return new ArtifactWriter(`${runDir}.cluster-logs`);
}

/**
 * `kind export logs` into a private temp directory, then every file into the
 * run directory through the writer, so the redaction layer sees it (pod logs
 * include Vault's dev-mode banner with the root token). Returns bundle paths.
 */
export async function exportLogsRedacted(cluster: KindCluster, out: ArtifactWriter, rel: string): Promise<string[]> {
  const tmp = await mkdtemp(join(tmpdir(), "secretproof-kind-logs-"));
  try {
    await cluster.exportLogs(tmp);
    const written: string[] = [];
    for (const file of await walk(tmp)) {
      written.push(await out.write(`${rel}/${relative(tmp, file)}`, await readFile(file)));
    }
    return written;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
