/** Renders a local HTML file in headless Chromium with the network made unusable. */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { toMs } from "../../../clusters/duration.ts";
import { run, which } from "../../../harness/core/exec.ts";
import { loadProfile } from "../../../harness/vitest/index.ts";

/** A render is one CLI call. */
const RENDER_TIMEOUT_MS = toMs(loadProfile().waits.command);

/**
 * The browser: $CHROME_BIN when set (the GitHub runner image sets it to its
 * Google Chrome, actions/runner-images images/ubuntu/scripts/build/install-google-chrome.sh),
 * else chromium (Debian's, or the runner image's link to its Chromium), else
 * Google Chrome on PATH. The test fails (never skips) when there is none.
 */
export async function findChromium(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.CHROME_BIN) {
    const named = await which(env.CHROME_BIN);
    if (!named) throw new Error(`CHROME_BIN is ${env.CHROME_BIN}, which cannot be started: the report tests render report.html in a real browser`);
    return named;
  }
  for (const name of ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) {
    const path = await which(name);
    if (path) return path;
  }
  throw new Error(
    "no chromium or google-chrome on PATH, and CHROME_BIN is not set: the report tests render report.html in a real browser. " +
      "Install Debian's chromium (`sudo apt-get install chromium`; .ci/run does) or point CHROME_BIN at a Chrome/Chromium binary.",
  );
}

/** The browser window; headless Chromium's viewport is its full width and somewhat less than its height. */
export interface WindowSize {
  width: number;
  height: number;
}

function flags(profileDir: string, size: WindowSize): string[] {
  return [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    `--user-data-dir=${profileDir}`,
    // any request the page tried to make would fail: the report must not need one
    "--host-resolver-rules=MAP * ~NOTFOUND",
    `--window-size=${size.width},${size.height}`,
  ];
}

/** The DOM Chromium built from the file (`--dump-dom`), and optionally a screenshot. */
export async function renderHeadless(htmlPath: string, screenshot?: string, size: WindowSize = { width: 1400, height: 1800 }): Promise<string> {
  const chromium = await findChromium();
  const profileDir = await mkdtemp(join(tmpdir(), "secretproof-chromium-"));
  const url = pathToFileURL(htmlPath).href;
  try {
    const dom = await run(chromium, [...flags(profileDir, size), "--dump-dom", url], { timeoutMs: RENDER_TIMEOUT_MS });
    if (screenshot) await run(chromium, [...flags(profileDir, size), `--screenshot=${screenshot}`, url], { timeoutMs: RENDER_TIMEOUT_MS });
    return dom.stdout;
  } finally {
    await rm(profileDir, { recursive: true, force: true });
  }
}
