import { resolve } from "node:path";
import type { Command } from "commander";
import { ATTESTED_REF, ATTESTING_WORKFLOW, type AttestationFlags } from "./check.ts";
import { writePack } from "./pack.ts";

interface AttestationOptions {
  attestation?: string;
  repo?: string;
  workflow?: string;
  ref?: string;
  trustedRoot?: string;
}

/** The `verify` options that check a bundle's provenance. */
export function addAttestationOptions(cmd: Command): Command {
  return cmd
    .option(
      "--attestation <file>",
      "a Sigstore bundle (GitHub artifact attestation, SLSA provenance v1) whose subject must be this bundle packed " +
        "(`secretproof pack`), signed by the expected repository, workflow and ref at the commit run.json records; checked offline",
    )
    .option("--repo <owner/name>", "the repository whose workflow must have signed the attestation (default: package.json's repository)")
    .option("--workflow <path>", `the workflow file whose job signed it (default: ${ATTESTING_WORKFLOW})`)
    .option("--ref <ref>", `the git ref it ran on (default: ${ATTESTED_REF})`)
    .option(
      "--trusted-root <file>",
      "Sigstore trusted root to verify against (JSON, or the JSON lines `gh attestation trusted-root` prints); default: the " +
        "public-good root shipped with @sigstore/tuf",
    );
}

/** The attestation check the flags ask for; undefined without --attestation (the other flags then are an error). */
export function attestationFlags(o: AttestationOptions): AttestationFlags | undefined {
  if (!o.attestation) {
    const stray = (["repo", "workflow", "ref", "trustedRoot"] as const).filter((k) => o[k] !== undefined);
    if (stray.length) throw new Error(`--${stray.map((k) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)).join(", --")} only apply with --attestation FILE`);
    return undefined;
  }
  return {
    file: o.attestation,
    ...(o.repo ? { repo: o.repo } : {}),
    ...(o.workflow ? { workflow: o.workflow } : {}),
    ...(o.ref ? { ref: o.ref } : {}),
    ...(o.trustedRoot ? { trustedRoot: o.trustedRoot } : {}),
  };
}

/** `secretproof pack DIR --out FILE`. */
export function registerPackCommand(program: Command): void {
  program
    .command("pack")
    .description(
      "pack an evidence bundle into a deterministic tar (sorted paths, mode 0644, uid/gid 0, mtime 0): the same files " +
        "give the same bytes anywhere; prints its sha256, the digest an attestation's subject names",
    )
    .argument("<dir>", "the run directory (runs/<run-id>)")
    .requiredOption("--out <file>", "where to write the archive (outside the bundle)")
    .action(async (dir: string, opts: { out: string }) => {
      const pack = await writePack(dir, opts.out);
      process.stdout.write(`${pack.sha256}  ${resolve(opts.out)}\n`);
    });
}
