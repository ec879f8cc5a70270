/**
 * The report's only styling, inlined so report.html needs no network; fits
 * 1280 px without sideways scrolling and prints. A closed <details> hides its
 * content through its ::details-content pseudo-element (content-visibility;
 * Chrome 131+, Firefox 143+, Safari 18.4+): print sets it visible, as
 * web-platform-tests html/rendering/the-details-element/details-pseudo-elements-002.html does.
 */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --inc: #9a6700; --inc-bg: #fff8c5;
  --np: #6e40c9; --np-bg: #f3eefc; --idle: #57606a; --idle-bg: #eaeef2; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg);
  margin: 0 auto; padding: 16px 24px 48px; max-width: 1280px; overflow-wrap: anywhere; }
h1 { font-size: 16px; margin: 0 0 4px; color: var(--muted); font-weight: 600; }
h2 { font-size: 19px; margin: 0; display: inline; } h3 { font-size: 15px; margin: 14px 0 6px; } h4 { font-size: 13px; margin: 8px 0 2px; }
section { margin-top: 20px; border-top: 1px solid var(--line); padding-top: 8px; }
section > details > summary { cursor: pointer; margin-bottom: 6px; }
header p { margin: 4px 0; } .meta, .identity { color: var(--muted); font-size: 12px; }
.verdict { font-size: 22px; font-weight: 700; margin: 2px 0 8px; }
#claim-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 6px; margin: 6px 0 8px; }
#claim-grid .cell { display: block; padding: 6px 8px; border-radius: 6px; border: 1px solid currentColor; text-decoration: none; min-width: 0; }
#claim-grid .id { font-weight: 700; font-size: 16px; margin-right: 6px; } #claim-grid .word { font-weight: 700; font-size: 11px; }
#claim-grid .title { display: block; font-size: 11px; line-height: 1.3; color: var(--fg); }
table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; table-layout: auto; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
thead th { background: var(--head); font-weight: 600; }
td ul, .body ul { margin: 0; padding-left: 18px; } li { margin: 0; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.subject { font-weight: normal; color: var(--muted); font-size: 12px; } .title { font-weight: normal; }
.num { text-align: right; white-space: nowrap; }
.claim { margin: 0 0 6px; } .claim h3 { margin: 10px 0 2px; }
.verdict-row > summary { cursor: pointer; padding: 2px 0; } .verdict-row .why { color: var(--fg); }
.verdict-row .body { margin: 0 0 6px 18px; padding-left: 8px; border-left: 3px solid var(--line); }
.badge { display: inline-block; font-weight: 700; font-size: 11px; padding: 0 6px; border-radius: 8px; border: 1px solid currentColor; }
.v-pass { color: var(--pass); } .cell.v-pass, .badge.v-pass, td.v-pass { background: var(--pass-bg); }
.v-fail { color: var(--fail); } .cell.v-fail, .badge.v-fail, td.v-fail { background: var(--fail-bg); }
.v-inconclusive { color: var(--inc); } .cell.v-inconclusive, .badge.v-inconclusive { background: var(--inc-bg); }
.v-not-proven { color: var(--np); } .cell.v-not-proven, .badge.v-not-proven { background: var(--np-bg); }
.v-not-run { color: var(--idle); } .cell.v-not-run, .badge.v-not-run { background: var(--idle-bg); }
#attack-matrix th[scope=row] { white-space: nowrap; } #attack-matrix .cmd { display: block; }
#attack-matrix td:nth-child(n+3) { white-space: nowrap; }
.declared, .note { display: block; font-size: 11px; color: var(--muted); white-space: normal; }
.c-expected { background: var(--pass-bg); } .c-unexpected { background: var(--fail-bg); color: var(--fail); font-weight: 700; }
.c-unobserved, .c-undeclared { color: var(--muted); }
.legend { font-size: 12px; margin: 4px 0; } .legend span { display: inline-block; padding: 0 6px; margin-right: 6px; border-radius: 4px; }
.legend .c-expected, .legend .c-unexpected { border: 1px solid currentColor; }
figure { margin: 0; } svg.timeline { display: block; max-width: 100%; height: auto; font-size: 11px; }
svg .grid { stroke: var(--line); } svg .axis, svg .label { fill: var(--muted); }
svg .life { fill: #54aeff; } svg .life.open { fill: #b6e3ff; stroke: #54aeff; stroke-dasharray: 3 2; }
svg .expiry { stroke: var(--fail); stroke-width: 2; } svg .revoked { fill: var(--fail); font-weight: 700; font-size: 14px; }
svg .enforcing { fill: #d8b9ff; } svg .tick { stroke: var(--fg); } svg .detect { fill: var(--inc); } svg .kill { fill: var(--fail); }
svg .cut rect { fill: #fff; stroke: var(--muted); stroke-dasharray: 2 2; }
svg .pod circle { fill: var(--pass); } svg .pod.restarted circle { fill: var(--fail); }
.k-life::before, .k-open::before, .k-expiry::before, .k-enforcing::before, .k-detect::before, .k-kill::before {
  content: ""; display: inline-block; width: 12px; height: 10px; margin-right: 4px; vertical-align: -1px; }
.k-life::before { background: #54aeff; } .k-open::before { background: #b6e3ff; border: 1px dashed #54aeff; }
.k-expiry::before { width: 2px; background: var(--fail); } .k-enforcing::before { background: #d8b9ff; }
.k-detect::before { border-radius: 50%; width: 8px; height: 8px; background: var(--inc); } .k-kill::before { width: 8px; height: 8px; background: var(--fail); }
@media print {
  @page { margin: 12mm; }
  body { padding: 0; max-width: none; font-size: 11px; }
  details > *:not(summary) { display: block !important; }
  details::details-content { content-visibility: visible; display: block; }
  details > summary::marker, details > summary::-webkit-details-marker { content: ""; display: none; }
  section { break-before: page; border: 0; } section:first-of-type { break-before: auto; }
  .cell, .badge, td, th, thead th, .legend span { background: none !important; }
  .c-unexpected { text-decoration: underline; } tr, .claim, figure { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
`;
