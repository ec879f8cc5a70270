import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redactor } from "../../../harness/evidence/redact.ts";
import { kubectl } from "../../../harness/kube/kubectl.ts";

const SECRET = "kubectl-json-test-secret-7f3a9c";
let dir: string;
let path: string | undefined;

// A stand-in `kubectl` on PATH that prints a secret and no JSON, as a broken or chatty CLI would.
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "secretproof-kubectl-"));
  await writeFile(join(dir, "kubectl"), `#!/bin/sh\necho "${SECRET} is not JSON"\n`);
  await chmod(join(dir, "kubectl"), 0o755);
  path = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${path ?? ""}`;
  redactor.register(SECRET, "kubectl-json test secret");
});
afterAll(async () => {
  process.env.PATH = path;
  await rm(dir, { recursive: true, force: true });
});

describe("kubectl json", () => {
  it("output that is not JSON is reported without a registered secret, in the message or the parser's cause", async () => {
    const err = await kubectl("kind-x", 5_000).json(["get", "secrets"]).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/did not print JSON: <redacted sha256:/);
    expect(inspect(err, { depth: 10 })).not.toContain(SECRET);
  });
});
