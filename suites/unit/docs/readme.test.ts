import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { buildCli } from "../../../harness/cli/main.ts";
import { anchors, commands, parseMarkdown, type MarkdownParts } from "./markdown.ts";

const README = "README.md";
const PAGES = [README, ...readdirSync("docs").filter((f) => f.endsWith(".md")).map((f) => `docs/${f}`)];
/** Pages whose repository paths this test checks; the upstream-behaviours page has its own test. */
const OWN_PAGES = PAGES.filter((p) => p !== "docs/upstream-behaviours.md");
const parsed = new Map<string, MarkdownParts>(PAGES.map((p) => [p, parseMarkdown(readFileSync(p, "utf8"))]));
const page = (p: string): MarkdownParts => parsed.get(p) ?? parseMarkdown(readFileSync(p, "utf8"));

const NPM_BUILTINS = new Set(["ci", "install"]);
const NPM_LIFECYCLE = new Set(["test", "start", "stop", "restart"]);
const scripts = (JSON.parse(readFileSync("package.json", "utf8")) as { scripts: Record<string, string> }).scripts;
const cli = buildCli();

/** A command's words from its program on: env assignments and `npx`/`node` before it dropped. */
function program(words: string[]): string[] {
  let i = 0;
  while (i < words.length && /^[A-Z_][A-Z0-9_]*=/.test(words[i] ?? "")) i++;
  const rest = words.slice(i);
  if (rest[0] === "npx") return rest.slice(1);
  if (rest[0] === "node" && rest[1]?.endsWith("bin/secretproof.js")) return ["secretproof", ...rest.slice(2)];
  return rest;
}

/** Every command a page tells its reader to run or names in code: shell lines and inline code. */
function pageCommands(p: string): string[][] {
  return page(p).code.flatMap((c) => commands(c.text).map(program));
}

function findCommand(parent: Command, name: string): Command | undefined {
  return parent.commands.find((c) => c.name() === name || c.aliases().includes(name));
}

/** What is wrong with a `secretproof …` command line: unknown command, subcommand or option. */
function secretproofProblem(words: string[]): string | undefined {
  const [, name, ...rest] = words;
  if (!name || !/^[a-z][\w-]*$/.test(name)) return undefined;
  let cmd = findCommand(cli, name);
  if (!cmd) return `secretproof has no command ${name}`;
  if (cmd.commands.length > 0 && rest[0] && /^[a-z]/.test(rest[0])) {
    const sub = findCommand(cmd, rest[0]);
    if (!sub) return `secretproof ${name} has no subcommand ${rest[0]}`;
    cmd = sub;
    rest.shift();
  }
  const known = new Set([...cmd.options.map((o) => o.long), "--help"]);
  const unknown = rest.filter((w) => w.startsWith("--")).map((w) => w.split("=")[0]).filter((f) => !known.has(f));
  return unknown.length ? `secretproof ${cmd.name()} has no option ${unknown.join(", ")}` : undefined;
}

function npmProblem(words: string[]): string | undefined {
  const [, verb, script] = words;
  if (!verb) return undefined;
  if (verb === "run" || verb === "run-script") return script && scripts[script] ? undefined : `package.json has no script ${script}`;
  if (NPM_LIFECYCLE.has(verb)) return scripts[verb] ? undefined : `package.json has no script ${verb}`;
  return NPM_BUILTINS.has(verb) ? undefined : `npm ${verb} is not a command this project documents`;
}

function linkProblem(from: string, target: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return undefined;
  const [file = "", anchor] = target.split("#");
  const path = file ? normalize(join(dirname(from), decodeURIComponent(file))) : from;
  if (!existsSync(path)) return `${from}: ${target} names ${path}, which does not exist`;
  if (anchor === undefined || !path.endsWith(".md") || statSync(path).isDirectory()) return undefined;
  const known = anchors(page(path).headings);
  return known.has(anchor) ? undefined : `${from}: ${target}: ${path} has no heading with anchor #${anchor}`;
}

const REPO_PATH = /(?<![\w./~$-])(?:harness|suites|fixtures|clusters|bench|bin|docs|\.github)\/[\w./-]*/g;

describe("README.md: a first screen a newcomer can act on", () => {
  const readme = readFileSync(README, "utf8");

  it("is under 150 lines", () => {
    expect(readme.split("\n").length).toBeLessThan(150);
  });

  it("has the reader run npm ci before any other command, then npm test or npm run test:offline", () => {
    const cmds = page(README).code.filter((c) => c.shell || /^(npm|npx|node|secretproof)\s/.test(c.text));
    expect(cmds[0]?.text.trim()).toMatch(/^npm ci(\s|$)/);
    const shell = page(README).shellLines.map((l) => l.trim());
    expect(shell.some((l) => /^npm test(\s|$)/.test(l))).toBe(true);
    expect(shell.some((l) => /^npm run test:offline(\s|$)/.test(l))).toBe(true);
  });

  it("gives the auditor verify, report and verify with the cluster's key and secrets", () => {
    const sp = pageCommands(README).filter((w) => w[0] === "secretproof");
    expect(sp.some((w) => w[1] === "verify" && w.length === 3)).toBe(true);
    expect(sp.some((w) => w[1] === "report")).toBe(true);
    expect(sp.some((w) => w[1] === "verify" && w.includes("--encryption-key-file") && w.includes("--secrets-file"))).toBe(true);
  });
});

describe("README.md and docs/*.md name only what exists", () => {
  it("every secretproof command, subcommand and option is one the CLI defines", () => {
    const problems = PAGES.flatMap((p) =>
      pageCommands(p)
        .filter((w) => w[0] === "secretproof")
        .map((w) => secretproofProblem(w))
        .filter((x) => x !== undefined)
        .map((x) => `${p}: ${x}`),
    );
    expect(problems).toEqual([]);
  });

  it("every npm command is npm ci or a script in package.json", () => {
    const problems = PAGES.flatMap((p) =>
      pageCommands(p)
        .filter((w) => w[0] === "npm")
        .map((w) => npmProblem(w))
        .filter((x) => x !== undefined)
        .map((x) => `${p}: ${x}`),
    );
    expect(problems).toEqual([]);
  });

  it("every relative link resolves to an existing file, and its anchor to a heading", () => {
    const problems = PAGES.flatMap((p) => page(p).links.map((t) => linkProblem(p, t))).filter((x) => x !== undefined);
    expect(problems).toEqual([]);
  });

  it("every repository path in code names a file or folder that exists", () => {
    const problems = OWN_PAGES.flatMap((p) => {
      const code = [...page(p).spans, ...page(p).blockLines].join("\n");
      const paths = [...code.matchAll(REPO_PATH)].map((m) => m[0].replace(/\.+$/, ""));
      return paths.filter((path) => !existsSync(path)).map((path) => `${p}: ${path}`);
    });
    expect(problems).toEqual([]);
  });
});
