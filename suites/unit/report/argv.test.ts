import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { shellLine, shellWord } from "../../../harness/report/argv.ts";
import { catalogue } from "../../support/falco-catalogue.ts";

/** The argv a POSIX shell builds from a line: `printf '%s\0'` prints each word it receives. */
function shellSplits(line: string): string[] {
  const out = execFileSync("/bin/sh", ["-c", `printf '%s\\0' ${line}`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("commands as a person would type them", () => {
  it("read back, through a real shell, as exactly the catalogue's argv, for every entry", () => {
    for (const a of catalogue.attacks) expect(shellSplits(shellLine(a.command)), a.id).toEqual(a.command);
  });

  it("carry no shell-escape artifacts: no '\\'' dance and no backslash, for any catalogue entry", () => {
    for (const a of catalogue.attacks) expect(shellLine(a.command), a.id).not.toMatch(/'\\''|\\/);
  });

  it("quote only where the shell would otherwise split or expand", () => {
    const line = (id: string) => shellLine(catalogue.attacks.find((a) => a.id === id)?.command ?? []);
    expect(line("cat")).toBe("cat /mnt/secrets/db-password");
    expect(line("dd")).toBe("dd if=/mnt/secrets/db-password");
    expect(line("sed")).toBe("sed '' /mnt/secrets/db-password");
    expect(line("awk")).toBe("awk '{print}' /mnt/secrets/db-password");
    expect(line("python3-c")).toBe(`python3 -c "print(open('/mnt/secrets/db-password').read())"`);
    expect(line("shell-builtin")).toBe(`sh -c 'read -r x < /mnt/secrets/db-password; echo "$x"'`);
    expect(line("tamper-write")).toBe("sh -c 'echo tampered > /mnt/secrets/db-password'");
  });

  it("escape inside double quotes only what double quotes leave special, when a word holds a single quote", () => {
    const word = `it's $HOME \`id\` "q" \\`;
    expect(shellWord(word)).toBe(`"it's \\$HOME \\\`id\\\` \\"q\\" \\\\"`);
    expect(shellSplits(shellLine(["echo", word, "~", "a b", ""]))).toEqual(["echo", word, "~", "a b", ""]);
  });
});
