import { type Command, Option } from "commander";
import { versions } from "../../clusters/versions.ts";
import { readEncryptionKeyFile } from "../claims/a1-encryption/key-file.ts";
import { redactor } from "../evidence/redact.ts";
import { loadBundle } from "./bundle.ts";
import { verifierExpectations } from "./own-expectations.ts";
import { readClusterSecretsFile } from "./known-secrets.ts";
import { verifyBundle } from "./verify.ts";
import { addAttestationOptions, attestationFlags } from "../provenance/cli.ts";
import { formatVerify, verifyExitCode } from "./verify-format.ts";
import { versionsEnv } from "./versions-env.ts";
import { renderBundleSummary, writeReports } from "./write-report.ts";

interface VerifyFlags {
  json?: boolean;
  encryptionKeyFile?: string;
  secretsFile?: string;
  catalogue?: string;
  profile?: string;
  attestation?: string;
  repo?: string;
  workflow?: string;
  ref?: string;
  trustedRoot?: string;
}

async function verifyAction(dir: string, opts: VerifyFlags): Promise<void> {
  const keys = opts.encryptionKeyFile ? await readEncryptionKeyFile(opts.encryptionKeyFile) : undefined;
  const knownSecrets = opts.secretsFile ? await readClusterSecretsFile(opts.secretsFile) : [];
  const custom = { ...(opts.catalogue ? { catalogueFile: opts.catalogue } : {}), ...(opts.profile ? { profileFile: opts.profile } : {}) };
  const attestation = attestationFlags(opts);
  const result = await verifyBundle(dir, { ...(keys ? { rejudge: { encryptionKeys: keys } } : {}), knownSecrets, custom, ...(attestation ? { attestation } : {}) });
  const text = opts.json ? JSON.stringify(result, null, 2) : formatVerify(result);
  process.stdout.write(`${redactor.redact(text)}\n`);
  process.exitCode = verifyExitCode(result);
}

async function reportAction(dir: string, opts: { out?: string; summary?: boolean; catalogue?: string; profile?: string }): Promise<void> {
  const bundle = await loadBundle(dir);
  if (bundle.integrity.length > 0) {
    const list = bundle.integrity.map((p) => `  - ${p}`).join("\n");
    throw new Error(`refusing to report on a bundle that is not intact (run \`secretproof verify ${dir}\`):\n${list}`);
  }
  const name = (bundle.run?.profile as { name?: unknown } | undefined)?.name;
  const custom = opts.catalogue || opts.profile
    ? verifierExpectations(typeof name === "string" ? name : undefined, { ...(opts.catalogue ? { catalogueFile: opts.catalogue } : {}), ...(opts.profile ? { profileFile: opts.profile } : {}) }).custom
    : [];
  const paths = await writeReports(bundle, opts.out, custom);
  if (opts.summary) process.stdout.write(renderBundleSummary(bundle));
  else process.stdout.write(`${paths.join("\n")}\n`);
}

/** The evidence commands: verify, report, versions. */
export function registerReportCommands(program: Command): void {
  const verify = program
    .command("verify")
    .description(
      "check an evidence bundle offline: SHA256SUMS, run.json, no live-secret shapes, and every judge re-run on the " +
        "recorded evidence; exit 0 only if the bundle is intact and every claim passed (1: claims failed, 2: untrusted)",
    )
    .argument("<dir>", "the run directory (runs/<run-id>)")
    .option("--json", "print the result as JSON")
    .option(
      "--encryption-key-file <path>",
      "the etcd encryption key (its base64 secret, or the EncryptionConfiguration YAML): A1's recorded ciphertext is " +
        "decrypted again and must match the recorded decryption, and a bundle file holding the key fails the secret scan; " +
        "the key is never printed",
    )
    .option(
      "--secrets-file <path>",
      "a cluster's secrets (its state directory, or the secrets.json in it, mode 0600): any bundle file holding the " +
        "Vault root token, the Postgres bootstrap password or the encryption key, in any spelling, fails the secret scan",
    )
    .option(
      "--catalogue <file>",
      "judge against this attack catalogue instead of this secretproof's own (a deliberately custom one): the bundle " +
        "must record its digest, and the output names it",
    )
    .option("--profile <file>", "compare with this profile (YAML or JSON) instead of the one this secretproof names: the bundle must record its digest");
  addAttestationOptions(verify).action(verifyAction);

  program
    .command("report")
    .description("write report.md and a self-contained report.html for an evidence bundle")
    .argument("<dir>", "the run directory (runs/<run-id>)")
    .option("--out <dir>", "where to write the reports (default: the run directory)")
    .option("--summary", "also print the claim table and attack matrix as markdown (for $GITHUB_STEP_SUMMARY)")
    .option("--catalogue <file>", "the custom attack catalogue the bundle was verified against: the report names it with its digest")
    .option("--profile <file>", "the custom profile the bundle was verified against: the report names it with its digest")
    .action(reportAction);

  program
    .command("versions")
    .description("print every pinned version from clusters/versions.ts")
    .addOption(new Option("--format <format>", "env: PIN_NAME=value lines for $GITHUB_ENV; json").choices(["env", "json"]).default("env"))
    .action((opts: { format: "env" | "json" }) => {
      process.stdout.write(opts.format === "env" ? versionsEnv(versions) : `${JSON.stringify(versions, null, 2)}\n`);
    });
}
