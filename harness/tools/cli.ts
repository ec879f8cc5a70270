import type { Command } from "commander";
import { toolsBinDir } from "./paths.ts";

/** `tools install` and `tools path`; the installer (and zx) load only when it runs. */
export function registerToolsCommands(program: Command): void {
  const tools = program.command("tools").description("the pinned kind, kubectl and helm (clusters/versions.ts)");
  tools
    .command("install")
    .description("download the pinned kind, kubectl and helm for this machine, verify each sha256, install them into the state directory")
    .action(async () => (await import("./install-command.ts")).toolsInstallCommand());
  tools
    .command("path")
    .description("print the directory the pinned CLIs are installed into (for a shell's or CI's PATH)")
    .action(() => {
      process.stdout.write(`${toolsBinDir()}\n`);
    });
}
