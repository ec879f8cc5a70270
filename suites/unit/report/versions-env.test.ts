import { readdir, readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { versions } from "../../../clusters/versions.ts";
import { envName, versionsEnv } from "../../../harness/report/versions-env.ts";

const env = () => new Map(versionsEnv(versions).trimEnd().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]));

describe("secretproof versions --format env", () => {
  it("prints every pin from clusters/versions.ts once, as NAME=value lines", () => {
    const vars = env();
    expect(vars.get("PIN_KIND_CLI")).toBe(versions.kind.cli);
    expect(vars.get("PIN_KIND_CLI_SHA256_LINUX_AMD64")).toBe(versions.kind.cliSha256LinuxAmd64);
    expect(vars.get("PIN_KUBECTL_SHA256_LINUX_AMD64")).toBe(versions.kubectl.sha256LinuxAmd64);
    expect(vars.get("PIN_HELM_CLI")).toBe(versions.helm.cli);
    expect(vars.get("PIN_CHARTS_SECRETS_STORE_CSI_VERSION")).toBe(versions.charts.secretsStoreCsi.version);
    for (const [k] of vars) expect(k).toMatch(/^PIN_[A-Z0-9_]+$/);
  });

  it("gives the workflows every PIN_ variable they use", async () => {
    const dir = ".github/workflows";
    const wf = (await Promise.all((await readdir(dir)).map((f) => readFile(`${dir}/${f}`, "utf8")))).join("\n");
    const used = new Set([...wf.matchAll(/\bPIN_[A-Z0-9_]+/g)].map((m) => m[0]));
    const vars = env();
    for (const name of used) expect(vars.has(name), `${name} is not printed by secretproof versions`).toBe(true);
  });

  it("refuses a value that would break $GITHUB_ENV", () => {
    expect(envName("charts.secretsStoreCsi.version")).toBe("PIN_CHARTS_SECRETS_STORE_CSI_VERSION");
    expect(() => versionsEnv({ a: "x\nEVIL=1" })).toThrow(/line break/);
  });
});
