import { afterEach, describe, expect, it, vi } from "vitest";
import { buildCli } from "../../../harness/cli/main.ts";

const parse = (...args: string[]) => buildCli().exitOverride().parseAsync(["node", "secretproof", ...args]);

afterEach(() => {
  vi.restoreAllMocks();
});

describe("secretproof audit --apply-policy", () => {
  it("without --attack is refused before the target or the cluster is read, saying nothing would prove the kill", async () => {
    await expect(parse("audit", "--target", "/nonexistent/target.yaml", "--apply-policy", "/nonexistent/policy.yaml")).rejects.toThrow(
      /^--apply-policy needs --attack: the policy is proven only by the attacks run while it enforces, and without them nothing shows it kills; give both, or leave --apply-policy out$/,
    );
  });

  it("audit rbac --apply-policy still takes the bare flag and prints the policy verbs", async () => {
    const out: string[] = [];
    vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => (out.push(String(chunk)), true));
    await parse("audit", "rbac", "--target", "fixtures/audit/target.example.yaml", "--attack", "--apply-policy");
    expect(out.join("")).toMatch(/resources:\n\s+- tracingpoliciesnamespaced\n\s+verbs:\n\s+- create\n\s+- delete\n\s+- list/);
  });
});
