import { describe, expect, it } from "vitest";
import { appBuildArgs, legacyBuilderMessage } from "../../../harness/cluster/up/judges/app-build.ts";

describe("the app image's docker build", () => {
  it("asks BuildKit for no provenance or SBOM attestation, so the image is one manifest", () => {
    expect(appBuildArgs("secretproof-app:dev", "/repo/fixtures/app", {})).toEqual(["build", "--provenance=false", "--sbom=false", "--tag", "secretproof-app:dev", "/repo/fixtures/app"]);
    expect(appBuildArgs("a:1", ".", { DOCKER_BUILDKIT: "1" })).toContain("--provenance=false");
  });

  it("leaves the flags out for the legacy builder, which rejects them, whenever DOCKER_BUILDKIT parses as false", () => {
    for (const v of ["0", "false", "FALSE", "f"]) expect(appBuildArgs("a:1", ".", { DOCKER_BUILDKIT: v })).toEqual(["build", "--tag", "a:1", "."]);
  });

  it("names the missing buildx plugin when the legacy builder refuses the flags, and nothing else", () => {
    expect(legacyBuilderMessage("unknown flag: --provenance\nSee 'docker build --help'.")).toMatch(/legacy builder.*buildx plugin is missing or broken/);
    expect(legacyBuilderMessage("ERROR: failed to solve: python:3.12-slim: not found")).toBeUndefined();
  });
});
