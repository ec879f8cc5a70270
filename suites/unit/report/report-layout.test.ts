import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toMs } from "../../../clusters/duration.ts";
import { loadProfile } from "../../../harness/vitest/index.ts";
import { buildReportBundle } from "../../support/build-report-bundle.ts";
import { type Layout, type PrintLayout, measureLayout, measurePrint } from "./layout-probe.ts";

/** Two bundle builds, then three browser renders side by side: each is one command. */
const SETUP_TIMEOUT_MS = 3 * toMs(loadProfile().waits.command);

/** A laptop's browser window: the report must fit it without sideways scrolling. */
const WIDTH = 1280;

interface Rendered {
  dir: string;
  /** report.html as written, before any script could touch it. */
  html: string;
  layout: Layout;
  dom: string;
  md: string;
}

let root: string;
const rendered: Record<"passing" | "failing", Rendered> = {} as never;
/** The probe's negative control: a report with one element 1600 px wide. */
let widened: Layout;
/** The failing report with its print stylesheet applied. */
let printed: PrintLayout;

async function render(dir: string): Promise<Rendered> {
  const { layout, dom } = await measureLayout(join(dir, "report.html"), WIDTH);
  return { dir, layout, dom, html: await readFile(join(dir, "report.html"), "utf8"), md: await readFile(join(dir, "report.md"), "utf8") };
}

/** A copy of a report with one element 1600 px wide, measured as the probe's negative control. */
async function widen(dir: string): Promise<Layout> {
  const html = await readFile(join(dir, "report.html"), "utf8");
  await writeFile(join(dir, "widened.html"), html.replace("</header>", '<div id="too-wide" style="width:1600px">x</div></header>'));
  return (await measureLayout(join(dir, "widened.html"), WIDTH)).layout;
}

// each bundle is built and rendered once, the renders at the same time; every assertion below reads them
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "secretproof-layout-"));
  const [passing, failing] = await Promise.all([buildReportBundle(join(root, "passing")), buildReportBundle(join(root, "failing"), { failing: true })]);
  [rendered.passing, rendered.failing, widened, printed] = await Promise.all([render(passing), render(failing), widen(passing), measurePrint(join(failing, "report.html"), WIDTH)]);
}, SETUP_TIMEOUT_MS);
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** Every DB identity the bundle's raw files name: app answers, attack-suite probes, the revocation trial. */
async function identitiesIn(dir: string): Promise<string[]> {
  const lines = async (p: string) => (await readFile(join(dir, p), "utf8")).split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  const ids = new Set<string>();
  for (const s of await lines("dynamic/app-samples.jsonl")) if (s.status === 200 && typeof s.identity === "string") ids.add(s.identity);
  for (const p of [...(await lines("detection/app-probes.jsonl")), ...(await lines("enforcement/app-probes.jsonl"))]) if (p.status === 200 && typeof p.dbUser === "string") ids.add(p.dbUser);
  ids.add((JSON.parse(await readFile(join(dir, "dynamic/d3-revocation.json"), "utf8")) as { username: string }).username);
  return [...ids].sort();
}

describe.each(["passing", "failing"] as const)("report.html of a %s bundle at 1280 px", (kind) => {
  it("has no element wider than the viewport, with every <details> expanded, and no sideways scrolling", () => {
    const { layout } = rendered[kind];
    expect(layout.iw).toBe(WIDTH);
    expect(layout.wide).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(layout.vw);
  });

  it("shows the claim grid above the fold", () => {
    const { layout } = rendered[kind];
    expect(layout.gridBottom).toBeGreaterThan(0);
    expect(layout.gridBottom).toBeLessThanOrEqual(layout.vh);
  });

  it("draws the timeline with one lane per DB identity the bundle holds", async () => {
    const { layout, dir } = rendered[kind];
    expect([...layout.lanes].sort()).toEqual(await identitiesIn(dir));
    expect(layout.sections["timeline-section"]).toBeGreaterThan(100);
  });

  it("shows commands as typed: no shell-escape artifacts in HTML or markdown", () => {
    const { dom, md } = rendered[kind];
    for (const text of [dom, md]) expect(text).not.toContain("'\\''");
    expect(dom).toContain('<code class="cmd">cat /mnt/secrets/db-password</code>');
    expect(md).toContain("| cat | `cat /mnt/secrets/db-password` |");
  });
});

describe("report.html printed", () => {
  it("expands every <details>, spends no ink on backgrounds, and starts each section on a new page", () => {
    expect(printed.inDetails).toBeGreaterThan(100);
    expect(printed.hidden).toBe(0);
    expect(printed.inked).toEqual([]);
    expect(printed.unbroken).toEqual([]);
  });
});

describe("the layout probe", () => {
  it("reports an element wider than the viewport, and the sideways scroll it causes", () => {
    expect(widened.wide).toContain(`div#too-wide: 24..1624`);
    expect(widened.scrollWidth).toBeGreaterThan(widened.vw);
  });
});

describe("the first screen", () => {
  const cells = (dom: string) => Object.fromEntries([...dom.matchAll(/<a class="cell v-([a-z-]+)" href="#claim-(\w+)"/g)].map((x) => [x[2], x[1]]));

  it("colours each claim of the list by its verdict and links it to its details", () => {
    const { dom } = rendered.failing;
    expect(cells(dom)).toEqual({ A1: "not-run", A2: "not-run", D1: "pass", D2: "fail", D3: "pass", D4: "pass", F1: "pass", F2: "pass", T1: "fail", T2: "pass", T3: "pass", N1: "not-run", L1: "not-run" });
    for (const id of Object.keys(cells(dom))) expect(dom).toContain(`<div class="claim" id="claim-${id}"`);
    expect(dom).toContain("Not proven: A1, A2, D2, T1, N1, L1");
    expect(cells(rendered.passing.dom)).toMatchObject({ D2: "pass", T1: "pass" });
  });

  it("opens the failed verdicts with why they failed; passed ones stay collapsed", () => {
    const { html } = rendered.failing;
    expect(html).toMatch(/<details class="verdict-row" data-verdict="fail" open><summary>[^]*?outcome: exit code 0, expected 137/);
    expect(html).toMatch(/<details class="verdict-row" data-verdict="fail" open><summary>[^]*?the container restarted: restartCount 0 → 1/);
    expect(html).not.toMatch(/data-verdict="pass" open/);
    // report.md's claim table gives a failed verdict every reason: the one that decided may be any
    expect(rendered.failing.md).toMatch(/^\| D2 \| .* \| ❌ fail \| .*the container restarted: restartCount 0 → 1/m);
  });

  it("names the run in one line: commit, profile, versions digest, expectation digests, provenance", () => {
    const line = /<p id="run-identity" class="identity">(.*?)<\/p>/.exec(rendered.passing.dom)?.[1]?.replace(/<[^>]+>/g, "") ?? "";
    expect(line).toMatch(/^run \S+ · commit \S+ · profile ci · versions [0-9a-f]{12} · catalogue [0-9a-f]{12} · rules [0-9a-f]{12} · policy [0-9a-f]{12} · profile digest [0-9a-f]{12} · claims [0-9a-f]{12} · provenance attested outside the bundle: verify --attestation$/);
  });

  it("marks the matrix cells that differ from the catalogue's declaration", () => {
    const row = /<tr data-attack="cat" class="unexpected">(.*?)<\/tr>/.exec(rendered.failing.dom)?.[1] ?? "";
    expect(row).toContain('<td class="c-unexpected">no<span class="declared">declared: a kill</span></td>');
    expect(row).toContain('<td class="c-unexpected">0<span class="declared">declared: exit 137</span></td>');
    expect(rendered.passing.dom).not.toContain('<td class="c-unexpected"');
    expect(rendered.failing.md).toContain("| **no** ⚠️ declared: a kill |");
  });
});
