import { resolve } from "node:path";
import type { Command } from "commander";

const actions = () => import("./cli-actions.ts");
const MUTATION = ["--mutation <name>", "build, render or test the stack under a mutation of fixtures/mutations.yaml, in its own cluster"] as const;

/** up, down, render, logs and test: the commands that own the cluster's life cycle. */
export function registerClusterCommands(program: Command): void {
  program
    .command("up")
    .description("bring up (or converge) the kind cluster and the whole stack; ends when the app answers with a Vault-issued identity")
    .option("--dry-run", "write what up would apply (like `render`) without touching a cluster")
    .option("--out <dir>", "with --dry-run: where to write (default: a new temporary directory)")
    .option(...MUTATION)
    .action(async (opts: { dryRun?: boolean; out?: string; mutation?: string }) => (await actions()).upCommand(opts));
  program
    .command("down")
    .description("delete the kind cluster and its local state (generated secrets included)")
    .option("--export-logs", "export the cluster's logs (redacted) beside a new run directory first")
    .action(async (opts: { exportLogs?: boolean }) => (await actions()).downCommand(opts));
  program
    .command("render")
    .description("write every kind config, values file, manifest and Vault call `up` would apply; secrets as placeholders")
    .argument("<out>", "output directory")
    .option(...MUTATION)
    .action(async (out: string, opts: { mutation?: string }) => (await actions()).renderTo(resolve(out), opts));
  program
    .command("logs")
    .description("export the cluster's node and pod logs, every file through the redaction layer")
    .argument("<out>", "output directory")
    .action(async (out: string) => (await actions()).logsCommand(out));
  program
    .command("test")
    .description("run the e2e suites (= npm test): preflight, up (reusing a live cluster), the suites, JUnit in runs/junit.xml")
    .option(...MUTATION)
    .action(async (opts: { mutation?: string }) => (await actions()).testCommand(opts));
}
