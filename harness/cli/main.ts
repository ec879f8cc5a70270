import { Command, InvalidArgumentError } from "commander";
import { formatPreflight, preflight, type Tier } from "../preflight.ts";
import { TOOL_VERSION } from "../core/tool.ts";
import { redactor } from "../evidence/redact.ts";
import { registerAuditCommands } from "../audit/cli.ts";
import { registerClusterCommands } from "../cluster/commands/cli.ts";
import { registerReportCommands } from "../report/cli.ts";
import { registerPackCommand } from "../provenance/cli.ts";
import { registerToolsCommands } from "../tools/cli.ts";
import { registerMutationCommands } from "../mutations/cli.ts";
import { usePinnedTools } from "../tools/paths.ts";

const TIERS: Tier[] = ["unit", "local", "component", "e2e"];

function parseTier(value: string): Tier {
  if (!(TIERS as string[]).includes(value)) throw new InvalidArgumentError(`choose one of ${TIERS.join(", ")}`);
  return value as Tier;
}

export function buildCli(): Command {
  const program = new Command("secretproof")
    .description(
      "Proves, with raw evidence from a real Kubernetes cluster, that a hardened secret pipeline does what it claims.",
    )
    .version(TOOL_VERSION)
    .showHelpAfterError();

  program
    .command("preflight")
    .description("check the prerequisites of a test tier; names each missing one and how to get it")
    .option("--tier <tier>", `tier to check (${TIERS.join(", ")})`, parseTier, "e2e" as Tier)
    .action(async (opts: { tier: Tier }) => {
      const report = await preflight(opts.tier);
      const text = formatPreflight(report);
      if (report.ok) process.stdout.write(`${text}\n`);
      else {
        process.stderr.write(`${text}\n`);
        process.exitCode = 1;
      }
    });

  registerClusterCommands(program);
  registerReportCommands(program);
  registerPackCommand(program);
  registerToolsCommands(program);
  registerAuditCommands(program);
  registerMutationCommands(program);

  return program;
}

export async function main(argv: string[]): Promise<void> {
  // every kind, kubectl and helm a command starts is the pinned one once `secretproof tools install` ran
  usePinnedTools();
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`secretproof: ${redactor.redact(err instanceof Error ? err.message : String(err))}\n`);
    process.exitCode = process.exitCode || 2;
  }
}
