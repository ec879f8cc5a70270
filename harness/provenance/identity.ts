/**
 * The signing identity of a GitHub Actions attestation, as Fulcio writes it
 * into the certificate's extensions (sigstore/fulcio docs/oid-info.md at
 * eb10c98e, lines 112-150 and the GitHub column of the table at 205-221):
 * Issuer (V2) is the token's `iss`, Build Signer URI is server_url +
 * job_workflow_ref (the workflow file whose job signed: a called, reusable
 * workflow, not its caller), Source Repository URI is server_url + repository,
 * Source Repository Digest is `sha`, Source Repository Ref is `ref`. Each
 * extension value is a DER UTF8String.
 */
export const FULCIO_OIDS = {
  issuer: "1.3.6.1.4.1.57264.1.8",
  workflow: "1.3.6.1.4.1.57264.1.9",
  repository: "1.3.6.1.4.1.57264.1.12",
  commit: "1.3.6.1.4.1.57264.1.13",
  ref: "1.3.6.1.4.1.57264.1.14",
} as const;
export type IdentityField = keyof typeof FULCIO_OIDS;

/** The OIDC issuer of GitHub Actions' tokens. */
export const GITHUB_ACTIONS_ISSUER = "https://token.actions.githubusercontent.com";
const GITHUB = "https://github.com";

/** Who must have signed: the repository, its workflow file and ref, and the commit run.json records. */
export interface ExpectedIdentity {
  /** owner/name */
  repository: string;
  /** .github/workflows/<file> */
  workflow: string;
  /** e.g. refs/heads/main */
  ref: string;
  /** run.json's expectations.commit: a sha, "<sha>-dirty", or undefined (unknown). */
  commit: string | undefined;
}

/** The certificate's values for each field, read from its Fulcio extensions. */
export type SignerIdentity = Partial<Record<IdentityField, string>>;

/** A workflow given as a file name or a path, as the path GitHub names it by (.github/workflows/<file>). */
export function workflowPath(workflow: string): string {
  const w = workflow.replace(/^\.?\//, "");
  return w.includes("/") ? w : `.github/workflows/${w}`;
}

/** What each field must read in a certificate GitHub Actions obtained for `expected`. */
export function expectedValues(expected: ExpectedIdentity): Record<Exclude<IdentityField, "commit">, string> {
  return {
    issuer: GITHUB_ACTIONS_ISSUER,
    repository: `${GITHUB}/${expected.repository}`,
    workflow: `${GITHUB}/${expected.repository}/${workflowPath(expected.workflow)}@${expected.ref}`,
    ref: expected.ref,
  };
}

function commitProblem(signed: string | undefined, recorded: string | undefined): string | undefined {
  const oid = FULCIO_OIDS.commit;
  if (recorded === undefined) return `attestation commit (${oid}): run.json records no suite commit (the suite was not in a git checkout), so the signed commit ${JSON.stringify(signed)} cannot be matched`;
  if (recorded.endsWith("-dirty")) return `attestation commit (${oid}): run.json records ${recorded}, a work tree with uncommitted changes, which no signed commit (${JSON.stringify(signed)}) can vouch for`;
  if (signed !== recorded) return `attestation commit (${oid}): the certificate names ${JSON.stringify(signed ?? "nothing")}, run.json records the suite at ${JSON.stringify(recorded)}`;
  return undefined;
}

/** Each field where the certificate's identity is not the expected one, naming the field and both values. */
export function identityProblems(signer: SignerIdentity, expected: ExpectedIdentity): string[] {
  const out: string[] = [];
  for (const [field, want] of Object.entries(expectedValues(expected)) as [IdentityField, string][]) {
    const got = signer[field];
    if (got !== want) out.push(`attestation ${field} (${FULCIO_OIDS[field]}): the certificate names ${JSON.stringify(got ?? "nothing")}, expected ${JSON.stringify(want)}`);
  }
  const commit = commitProblem(signer.commit, expected.commit);
  if (commit) out.push(commit);
  return out;
}

/** owner/name from package.json's `repository` ("owner/name", "github:owner/name", or a github.com git URL), if it names one. */
export function repositoryFromPackage(repository: unknown): string | undefined {
  const raw = typeof repository === "string" ? repository : (repository as { url?: unknown } | null)?.url;
  if (typeof raw !== "string") return undefined;
  const m = /^(?:github:|(?:git\+)?https:\/\/github\.com\/|git@github\.com:)?([\w.-]+\/[\w.-]+?)(?:\.git)?$/.exec(raw.trim());
  return m?.[1];
}
