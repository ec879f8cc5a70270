import { readFileSync } from "node:fs";
import { type ExpectedIdentity, repositoryFromPackage, workflowPath } from "./identity.ts";
import { packBundle } from "./pack.ts";
import { publicGoodTrustedRoot, trustedRootFile } from "./trusted-root.ts";
import { type ProvenanceResult, verifyAttestation } from "./verify-attestation.ts";

/** The workflow whose job attests the bundle: the reusable per-profile e2e job (.github/workflows/e2e-kind.yml). */
export const ATTESTING_WORKFLOW = ".github/workflows/e2e-kind.yml";
/** The ref attested runs are expected from unless `--ref` says otherwise. */
export const ATTESTED_REF = "refs/heads/main";

/** `verify --attestation FILE [--repo owner/name] [--workflow path] [--ref ref] [--trusted-root FILE]`. */
export interface AttestationFlags {
  file: string;
  repo?: string;
  workflow?: string;
  ref?: string;
  trustedRoot?: string;
}

/** owner/name this secretproof's package.json `repository` names, if any. */
export function ownRepository(packageJson: URL = new URL("../../package.json", import.meta.url)): string | undefined {
  const pkg = JSON.parse(readFileSync(packageJson, "utf8")) as { repository?: unknown };
  return repositoryFromPackage(pkg.repository);
}

/** Who must have signed the attestation of a run whose run.json records `commit`. */
export function expectedIdentity(flags: AttestationFlags, commit: string | undefined, own: string | undefined = ownRepository()): ExpectedIdentity {
  const repository = flags.repo ?? own;
  if (!repository) {
    throw new Error(`verify --attestation ${flags.file}: pass --repo owner/name, the repository whose workflow must have signed it (this secretproof's package.json names no repository to expect)`);
  }
  if (!/^[\w.-]+\/[\w.-]+$/.test(repository)) throw new Error(`--repo ${repository} is not owner/name`);
  return { repository, workflow: workflowPath(flags.workflow ?? ATTESTING_WORKFLOW), ref: flags.ref ?? ATTESTED_REF, commit };
}

/** Packs dir as `secretproof pack` does and verifies the attestation against the pack's digest and the expected identity. */
export async function checkProvenance(dir: string, commit: string | undefined, flags: AttestationFlags): Promise<ProvenanceResult> {
  const expected = expectedIdentity(flags, commit);
  const trusted = flags.trustedRoot ? trustedRootFile(flags.trustedRoot) : publicGoodTrustedRoot();
  const pack = await packBundle(dir);
  return verifyAttestation(flags.file, { sha256: pack.sha256, dir }, expected, trusted);
}
