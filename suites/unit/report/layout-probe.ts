/**
 * Measures report.html's layout in headless Chromium. The report itself runs
 * no script (its CSP forbids one); the probe renders a copy with a measuring
 * script appended, whose findings Chromium's --dump-dom carries out in an
 * attribute.
 */
import { readFile, writeFile } from "node:fs/promises";
import { renderHeadless } from "./headless.ts";

export interface Layout {
  /** The window's inner width (scrollbar included) in CSS px. */
  iw: number;
  /** The viewport's width (scrollbar excluded) and height in CSS px. */
  vw: number;
  vh: number;
  /** The document's scroll width: more than vw means sideways scrolling. */
  scrollWidth: number;
  /** The claim grid's bottom edge, as first shown. */
  gridBottom: number;
  /** Elements reaching past the viewport's edges, with every <details> expanded (tag#id.class: left..right). */
  wide: string[];
  /** g.lane elements of the timeline SVG, by data-identity. */
  lanes: string[];
  /** Heights of every section with its <details> expanded, as a sanity check that they render at all. */
  sections: Record<string, number>;
}

/** What the print stylesheet does to the page, measured with it applied to the screen. */
export interface PrintLayout {
  /** Elements inside a <details> (its summary aside) that are not rendered. */
  hidden: number;
  /** Of those with content, how many elements there are in all (so that `hidden` 0 means something). */
  inDetails: number;
  /** Verdict cells, badges and table cells with a background colour. */
  inked: string[];
  /** Sections that do not start on a new page, the first aside. */
  unbroken: string[];
}

const PROBE = `<script>(() => {
  const vw = document.documentElement.clientWidth;
  const grid = document.getElementById("claim-grid");
  const gridBottom = grid ? grid.getBoundingClientRect().bottom : -1;
  document.querySelectorAll("details").forEach((d) => { d.open = true; });
  const name = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "") + (typeof e.className === "string" && e.className ? "." + e.className.split(" ").join(".") : "");
  const wide = [...document.querySelectorAll("body *")].flatMap((e) => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && (r.right > vw + 0.5 || r.left < -0.5) ? [name(e) + ": " + Math.round(r.left) + ".." + Math.round(r.right)] : [];
  });
  const lanes = [...document.querySelectorAll("svg.timeline g.lane")].map((g) => g.getAttribute("data-identity"));
  const sections = Object.fromEntries([...document.querySelectorAll("body > section")].map((s) => [s.id, Math.round(s.getBoundingClientRect().height)]));
  const out = { iw: innerWidth, vw, vh: innerHeight, scrollWidth: document.documentElement.scrollWidth, gridBottom, wide, lanes, sections };
  document.body.setAttribute("data-layout", JSON.stringify(out));
})();</script>`;

const PRINT_PROBE = `<script>(() => {
  // an SVG <title> is a tooltip, never rendered
  const inside = [...document.querySelectorAll("details > :not(summary), details > :not(summary) *")].filter((e) => e.tagName.toLowerCase() !== "title");
  const hidden = inside.filter((e) => !e.checkVisibility()).length;
  const inked = [...document.querySelectorAll(".cell, .badge, td, th")].flatMap((e) => {
    const bg = getComputedStyle(e).backgroundColor;
    return bg === "rgba(0, 0, 0, 0)" || bg === "transparent" ? [] : [e.tagName.toLowerCase() + "." + e.className + ": " + bg];
  });
  const unbroken = [...document.querySelectorAll("body > section")].slice(1).flatMap((s) => (getComputedStyle(s).breakBefore === "page" ? [] : [s.id]));
  document.body.setAttribute("data-layout", JSON.stringify({ hidden, inDetails: inside.length, inked: inked.slice(0, 20), unbroken }));
})();</script>`;

/** Parses the data-layout attribute the probe left on <body>. */
function probed<T>(dom: string, path: string): T {
  const attr = /<body data-layout="([^"]*)"/.exec(dom)?.[1];
  if (attr === undefined) throw new Error(`Chromium rendered ${path} but the layout probe left no data-layout attribute`);
  return JSON.parse(attr.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&")) as T;
}

/** Renders a copy of htmlPath with its print stylesheet applied to the screen (and no details opened) and measures it. */
export async function measurePrint(htmlPath: string, width: number): Promise<PrintLayout> {
  const html = await readFile(htmlPath, "utf8");
  if (!html.includes("@media print {")) throw new Error(`${htmlPath} has no print stylesheet`);
  const copy = `${htmlPath}.print.html`;
  await writeFile(copy, html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, "").replace("@media print {", "@media all {").replace("</body>", `${PRINT_PROBE}</body>`));
  return probed<PrintLayout>(await renderHeadless(copy, undefined, { width, height: 800 }), copy);
}

/** Writes the probed copy of htmlPath next to it and measures it at `width` px. */
export async function measureLayout(htmlPath: string, width: number, height = 800): Promise<{ layout: Layout; dom: string }> {
  const html = await readFile(htmlPath, "utf8");
  const csp = /<meta http-equiv="Content-Security-Policy"[^>]*>/;
  if (!csp.test(html) || !html.includes("</body>")) throw new Error(`${htmlPath} has no CSP meta or no </body>: not a report.html`);
  const copy = `${htmlPath}.probe.html`;
  await writeFile(copy, html.replace(csp, "").replace("</body>", `${PROBE}</body>`));
  const dom = await renderHeadless(copy, undefined, { width, height });
  return { layout: probed<Layout>(dom, copy), dom };
}
