import { describe, expect, it } from "vitest";
import { catalogueTools } from "../../../harness/attack/image-tools.ts";

describe("the binaries the catalogue runs in the app image", () => {
  it("takes each command's first word and the commands of a shell's script, not its builtins", () => {
    const tools = catalogueTools([
      { command: ["cat", "/mnt/secrets/db-password"] },
      { command: ["sh", "-c", "cd /mnt/secrets && head db-password | od -c"] },
      { command: ["bash", "-c", 'exec -a "python app.py" tail /mnt/secrets/db-password'] },
      { command: ["sh", "-c", 'read -r x < /mnt/secrets/db-password; echo "$x"'] },
      { command: ["bash"], stdin: "tty\nexit 0\n" },
    ]);
    expect(tools).toEqual(["bash", "cat", "head", "od", "sh", "tail", "tty"]);
  });
});
