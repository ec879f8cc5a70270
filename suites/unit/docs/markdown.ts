/** Just enough Markdown reading for the documentation tests: code, links, headings. */

export interface MarkdownParts {
  /** Shell lines of ```sh/```bash blocks, continuation lines joined, in order. */
  shellLines: string[];
  /** Every fenced block's lines (any language), in order. */
  blockLines: string[];
  /** Inline code spans outside fenced blocks, in order. */
  spans: string[];
  /** Each shell line and inline span in document order, with where it came from. */
  code: { text: string; shell: boolean }[];
  /** Link targets outside code. */
  links: string[];
  /** Heading texts outside fenced blocks. */
  headings: string[];
}

const FENCE = /^\s*```(\w*)/;
const SPAN = /`([^`\n]+)`/g;
const LINK = /\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

function joinContinuations(lines: string[]): string[] {
  const out: string[] = [];
  let acc = "";
  for (const l of lines) {
    if (l.trimEnd().endsWith("\\")) acc += `${l.trimEnd().slice(0, -1)} `;
    else {
      out.push(acc + l);
      acc = "";
    }
  }
  if (acc) out.push(acc);
  return out;
}

export function parseMarkdown(text: string): MarkdownParts {
  const parts: MarkdownParts = { shellLines: [], blockLines: [], spans: [], code: [], links: [], headings: [] };
  let fence: { lang: string; lines: string[] } | undefined;
  for (const line of text.split("\n")) {
    const f = FENCE.exec(line);
    if (f && !fence) fence = { lang: f[1] ?? "", lines: [] };
    else if (f && fence) {
      parts.blockLines.push(...fence.lines);
      if (["sh", "bash", "shell"].includes(fence.lang)) {
        const shell = joinContinuations(fence.lines).filter((l) => l.trim() && !l.trim().startsWith("#"));
        parts.shellLines.push(...shell);
        parts.code.push(...shell.map((t) => ({ text: t, shell: true })));
      }
      fence = undefined;
    } else if (fence) fence.lines.push(line);
    else {
      const spans = [...line.matchAll(SPAN)].map((m) => m[1] ?? "");
      parts.spans.push(...spans);
      parts.code.push(...spans.map((t) => ({ text: t, shell: false })));
      const prose = line.replace(SPAN, "");
      parts.links.push(...[...prose.matchAll(LINK)].map((m) => m[1] ?? ""));
      const h = /^#{1,6}\s+(.*)$/.exec(line);
      if (h) parts.headings.push(h[1] ?? "");
    }
  }
  return parts;
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function anchors(headings: readonly string[]): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const h of headings) {
    const base = h
      .replace(/`/g, "")
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, "")
      .replace(/ /g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The simple commands of a shell line, each as its words, up to a comment. */
export function commands(line: string): string[][] {
  const out: string[][] = [[]];
  for (const w of line.trim().split(/\s+/)) {
    if (w.startsWith("#")) break;
    if (["|", "||", "&&", ";"].includes(w)) out.push([]);
    else if (w.replace(/^\(+|[);]+$/g, "")) out.at(-1)?.push(w.replace(/^\(+|[);]+$/g, ""));
  }
  return out.filter((c) => c.length > 0);
}
