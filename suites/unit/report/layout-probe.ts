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

/** Writes the probed copy of htmlPath next to it and measures it at `width` px. */
export async function measureLayout(htmlPath: string, width: number, height = 800): Promise<{ layout: Layout; dom: string }> {
  const html = await readFile(htmlPath, "utf8");
  const csp = /<meta http-equiv="Content-Security-Policy"[^>]*>/;
  if (!csp.test(html) || !html.includes("</body>")) throw new Error(`${htmlPath} has no CSP meta or no </body>: not a report.html`);
  const probed = `${htmlPath}.probe.html`;
  await writeFile(probed, html.replace(csp, "").replace("</body>", `${PROBE}</body>`));
  const dom = await renderHeadless(probed, undefined, { width, height });
  const attr = /<body data-layout="([^"]*)"/.exec(dom)?.[1];
  if (attr === undefined) throw new Error(`Chromium rendered ${probed} but the layout probe left no data-layout attribute`);
  const json = attr.replaceAll("&quot;", '"').replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
  return { layout: JSON.parse(json) as Layout, dom };
}
