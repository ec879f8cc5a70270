/**
 * The app image's `docker build` command line.
 *
 * With BuildKit (buildx, the default builder of `docker build` since Docker
 * 23: docker/cli v28.5.2 cmd/docker/builder.go:21, 50-135) the image gets
 * no provenance or SBOM attestation manifest (`--provenance=false
 * --sbom=false`, buildx v0.23.0 commands/build.go:653-654, each a boolean
 * that disables its attestation: util/buildflags/attests.go
 * CanonicalizeAttest). The image is then one manifest on the classic and on
 * the containerd image store, so the ID kind compares with the node's is the
 * image's own and the import cannot miss an attestation manifest.
 *
 * The legacy builder has neither flag (docker/cli v28.5.2
 * cli/command/image/build.go:116-160) and makes no attestations: it is used
 * when DOCKER_BUILDKIT parses as false (builder.go:56-66, Go's
 * strconv.ParseBool) and, with a warning, when the buildx plugin is missing
 * (builder.go:111-128), which legacyBuilderMessage names.
 */
const FALSE = ["0", "f", "F", "false", "FALSE", "False"];

export function appBuildArgs(tag: string, contextDir: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const legacy = env.DOCKER_BUILDKIT !== undefined && FALSE.includes(env.DOCKER_BUILDKIT);
  return ["build", ...(legacy ? [] : ["--provenance=false", "--sbom=false"]), "--tag", tag, contextDir];
}

/** What a build refused for the attestation flags means, or undefined for any other failure. */
export function legacyBuilderMessage(stderr: string): string | undefined {
  if (!/unknown flag: --(provenance|sbom)/.test(stderr)) return undefined;
  return (
    "docker build ran the legacy builder, which has no --provenance/--sbom: the buildx plugin is missing or broken " +
    "(docker buildx version says which); install it, or set DOCKER_BUILDKIT=0 to build without the flags"
  );
}
