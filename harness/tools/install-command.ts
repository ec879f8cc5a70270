import { toMs } from "../../clusters/duration.ts";
import { loadProfile } from "../profile.ts";
import { pinnedTools, platformOf } from "./catalog.ts";
import { installTools } from "./install.ts";
import { toolsBinDir } from "./paths.ts";

/** `tools install`: the pinned kind, kubectl and helm for this machine, sha256-verified, into the state directory. */
export async function toolsInstallCommand(): Promise<void> {
  const platform = platformOf(process.platform, process.arch) ?? `${process.platform}-${process.arch}`;
  const tools = pinnedTools(platform);
  const waits = loadProfile().waits;
  const binDir = toolsBinDir();
  const done = await installTools(tools, {
    binDir,
    timeoutMs: toMs(waits.command),
    intervalMs: toMs(waits.poll),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const d of done) process.stdout.write(`${d.action === "present" ? "present  " : "installed"} ${d.name} ${d.version} ${d.path}\n`);
  process.stdout.write(`${binDir} comes first on PATH for every secretproof command and \`npm test\`\n`);
}
