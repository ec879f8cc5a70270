import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { saveSecrets, type ClusterSecrets } from "../../../harness/cluster/state/state.ts";
import type { ClaimId } from "../../../harness/claims/verdict.ts";
import { redactor } from "../../../harness/evidence/redact.ts";
import { readClusterSecretsFile } from "../../../harness/report/known-secrets.ts";
import { verifyBundle } from "../../../harness/report/verify.ts";
import { formatVerify, verifyExitCode } from "../../../harness/report/verify-format.ts";
import { buildBundle, rewriteManifest } from "../../support/build-bundle.ts";
import { fixtureFamily } from "../../support/fixture-family.ts";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-known-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const secrets: ClusterSecrets = {
  encryptionKeyName: "key1",
  encryptionKey: randomBytes(32).toString("base64"),
  vaultRootToken: randomBytes(18).toString("base64url"),
  // shaped like nothing: only its value can find it
  postgresBootstrapPassword: randomBytes(15).toString("base64url"),
};
const opts = { families: [fixtureFamily], requiredClaims: ["A2", "T1"] as ClaimId[] };

describe("secretproof verify --secrets-file", () => {
  it("fails a bundle holding a cluster secret that has no recognisable shape, naming the file but never the value", async () => {
    const { dir } = await buildBundle(root);
    await writeFile(join(dir, "A2/notes.txt"), `bootstrap: ${secrets.postgresBootstrapPassword}\n`);
    await rewriteManifest(dir);
    const stateDir = join(root, "state");
    await saveSecrets(stateDir, secrets);

    const blind = await verifyBundle(dir, opts);
    expect(blind.leaks).toEqual([]);

    const known = await readClusterSecretsFile(join(stateDir, "secrets.json"));
    const r = await verifyBundle(dir, { ...opts, knownSecrets: known });
    expect(r.leaks.map((l) => [l.path, l.kind])).toEqual([["A2/notes.txt", "known secret (postgres bootstrap admin password)"]]);
    expect(verifyExitCode(r)).toBe(2);
    expect(redactor.redact(formatVerify(r))).not.toContain(secrets.postgresBootstrapPassword);
  });

  it("finds the encryption key in its base64 spelling inside a file", async () => {
    const { dir } = await buildBundle(root);
    await writeFile(join(dir, "A2/cfg.yaml"), `secret: ${secrets.encryptionKey}\n`);
    await rewriteManifest(dir);
    await saveSecrets(join(root, "state"), secrets);
    const r = await verifyBundle(dir, { ...opts, knownSecrets: await readClusterSecretsFile(join(root, "state")) });
    expect(r.leaks.map((l) => l.kind)).toContain('known secret (etcd encryption key "key1")');
  });

  it("refuses a secrets file others can read", async () => {
    await saveSecrets(join(root, "state"), secrets);
    await chmod(join(root, "state", "secrets.json"), 0o644);
    await expect(readClusterSecretsFile(join(root, "state"))).rejects.toThrow(/must be 600/);
  });
});
