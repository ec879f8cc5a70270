/** The lowest Node.js a tier runs on, and which packages' `engines` fields set it. */
export interface NodeFloor {
  version: string;
  setBy: string;
}

/** unit and local: vitest 4 runs on vite, whose engines field says ^20.19.0 || >=22.12.0. */
export const OFFLINE_NODE: NodeFloor = { version: "20.19.0", setBy: "vite 7 (engines ^20.19.0 || >=22.12.0), which vitest runs on" };

/**
 * component and e2e: testcontainers and its HTTP client undici refuse older
 * Node. The installed package.json files say so (a unit test reads them and
 * package.json's own engines, which names this floor for the whole project).
 */
export const DOCKER_NODE: NodeFloor = {
  version: "22.22.0",
  setBy: "testcontainers 12.2.0 (engines >= 22.22) and undici 8.13.1, its HTTP client (engines >=22.19.0)",
};

/** Numeric compare of dotted versions ("22.9.0" < "22.19.0"); a leading "v" is ignored. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.replace(/^v/, "").split(".").map((n) => Number.parseInt(n, 10) || 0);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

/** The lower bound of an engines range of the form ">= X[.Y[.Z]]", or undefined for any other form. */
export function enginesFloor(range: string): string | undefined {
  const m = /^\s*>=\s*(\d+(?:\.\d+){0,2})\s*$/.exec(range);
  if (!m) return undefined;
  const p = m[1]!.split(".");
  while (p.length < 3) p.push("0");
  return p.join(".");
}

/** Whether `nodeVersion` meets `floor`; the problem names the floor and the packages behind it. */
export function nodeVerdict(nodeVersion: string, floor: NodeFloor): { ok: true } | { ok: false; problem: string; fix: string } {
  if (compareVersions(nodeVersion, floor.version) >= 0) return { ok: true };
  return {
    ok: false,
    problem: `Node.js v${nodeVersion.replace(/^v/, "")} is older than ${floor.version}, which ${floor.setBy} require`,
    fix: `install Node.js ${floor.version} or newer (22 LTS: nvm install 22, or https://nodejs.org)`,
  };
}
