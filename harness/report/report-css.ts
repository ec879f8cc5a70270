/** The report's only styling, inlined so report.html needs no network. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f6f8fa;
  --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --inc: #9a6700; --inc-bg: #fff8c5; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: var(--fg);
  margin: 0 auto; padding: 24px 32px 48px; max-width: 1400px; }
h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 19px; margin: 32px 0 8px; border-bottom: 1px solid var(--line);
  padding-bottom: 4px; } h3 { font-size: 15px; margin: 16px 0 6px; }
header p { margin: 4px 0; } .meta, .run { color: var(--muted); }
.verdict { font-size: 18px; font-weight: 600; }
.chip { display: inline-block; min-width: 34px; text-align: center; margin: 0 4px 4px 0; padding: 2px 6px;
  border-radius: 10px; font-weight: 600; font-size: 12px; border: 1px solid currentColor; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 12px; }
th, td { border: 1px solid var(--line); padding: 6px 8px; text-align: left; vertical-align: top; }
thead th { background: var(--head); font-weight: 600; }
tbody th { white-space: nowrap; }
td ul { margin: 0; padding-left: 18px; } td li { margin: 0; }
code { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; overflow-wrap: anywhere; }
.subject { font-weight: normal; color: var(--muted); font-size: 12px; }
.num { text-align: right; white-space: nowrap; }
#claims td:nth-child(5) { min-width: 210px; }
.v-pass { color: var(--pass); } td.v-pass, .chip.v-pass { background: var(--pass-bg); }
.v-fail { color: var(--fail); } td.v-fail, .chip.v-fail { background: var(--fail-bg); }
.v-inconclusive, .v-not-run { color: var(--inc); } td.v-inconclusive, td.v-not-run, .chip.v-inconclusive,
  .chip.v-not-run { background: var(--inc-bg); }
td.v-pass, td.v-fail, td.v-inconclusive, td.v-not-run { font-weight: 600; white-space: nowrap; }
@media print { body { padding: 0; } section { break-inside: avoid-page; } }
`;
