import { randomBytes } from "node:crypto";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { generateSecrets, secretProblems } from "../../../harness/cluster/state/secrets.ts";
import { generateVaultRootToken, VAULT_ROOT_TOKEN_LENGTH, vaultRootTokenProblems } from "../../../harness/cluster/state/vault-root-token.ts";

const DRAWS = 10_000;
const draws = Array.from({ length: DRAWS }, () => generateVaultRootToken());

/**
 * Vault 2.0.4's check on a chosen token ID, restated from hashicorp/vault
 * vault/token_store.go:1141-1149 independently of the code under test.
 */
const vaultRefuses = (id: string) => id.startsWith("hvs.") || id.startsWith("s.") || id.includes(".");

describe("the generated Vault dev root token", () => {
  it(`is never a shape Vault refuses as a chosen ID (${DRAWS} draws)`, () => {
    expect(draws.filter(vaultRefuses)).toEqual([]);
    expect(draws.filter((t) => /^(hv[sbr]|[sbr])\./.test(t))).toEqual([]);
    expect(draws.flatMap(vaultRootTokenProblems)).toEqual([]);
    expect(new Set(draws).size).toBe(DRAWS);
  });

  it("is 32 letters and digits starting with a letter, which the chart's unquoted env value keeps a string", () => {
    expect(draws.filter((t) => !/^[A-Za-z][A-Za-z0-9]{31}$/.test(t))).toEqual([]);
    // vault-helm 0.34.1 templates/_helpers.tpl:259 renders `value: {{ .Values.server.dev.devRootToken }}`
    // (a YAML parse of 1,000 draws: the regex above already holds every draw to the same shape)
    const sample = draws.slice(0, 1000);
    const unquoted = sample.map((t) => `- value: ${t}`).join("\n");
    for (const version of ["1.1", "1.2"] as const) {
      expect(parse(unquoted, { version })).toEqual(sample.map((value) => ({ value })));
    }
    expect(VAULT_ROOT_TOKEN_LENGTH).toBe(32);
  });

  it("draws every character uniformly (no modulo bias toward the first letters of the alphabet)", () => {
    const counts = new Map<string, number>();
    for (const t of draws) for (const c of t.slice(1)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    const expected = (DRAWS * 31) / 62;
    const off = [...counts].filter(([, n]) => Math.abs(n - expected) > expected * 0.1);
    expect(off).toEqual([]);
  });

  it("skips random bytes that would bias the draw instead of folding them onto the alphabet", () => {
    // 208..255 cannot pick one of 52 letters fairly, 248..255 one of 62 characters: both are discarded
    const queue = [255, 208, 1, 248, 255, 61, ...Array<number>(30).fill(0)];
    const source = (n: number) => {
      if (queue.length === 0) throw new Error("the generator asked for more bytes than it needs");
      return Buffer.from(queue.splice(0, n));
    };
    expect(generateVaultRootToken(source)).toBe(`B9${"A".repeat(30)}`);
    expect(queue).toEqual([]);
  });
});

describe("the root token check (secretProblems)", () => {
  const body = randomBytes(24).toString("base64url").replace(/[-_]/g, "x");
  it.each([
    ["hvs.", "has the 'hvs.' prefix", "custom token ID cannot have the 'hvs.' prefix"],
    ["s.", "has the 's.' prefix", "custom token ID cannot have the 's.' prefix"],
    ["hvb.", "has the 'hvb.' prefix", "custom token ID cannot have a '.' in the value"],
    ["b.", "has the 'b.' prefix", "custom token ID cannot have a '.' in the value"],
    ["hvr.", "has the 'hvr.' prefix", "custom token ID cannot have a '.' in the value"],
    ["r.", "has the 'r.' prefix", "custom token ID cannot have a '.' in the value"],
  ])("refuses a token with Vault's %s prefix, quoting the upstream rule", (prefix, shape, upstream) => {
    const problems = vaultRootTokenProblems(`${prefix}${body}`);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`vaultRootToken ${shape}`);
    expect(problems[0]).toContain(`"${upstream}", hashicorp/vault vault/token_store.go:1141-1149`);
    expect(problems[0]).toContain("vault-0 crash-loops");
    expect(problems[0]).not.toContain(body);
  });

  it("refuses any '.' in the token, not only at a known prefix", () => {
    expect(vaultRootTokenProblems(`A${body}.x`)).toEqual([expect.stringMatching(/contains a '\.'.*cannot have a '\.' in the value/)]);
  });

  it.each([
    ["too short", "Abc123", /is 6 characters; it must be at least 24/],
    ["all digits (YAML reads a number)", "1".repeat(32), /letters and digits starting with a letter/],
    ["leading '-'", `-${body}`, /letters and digits starting with a letter/],
    ["'_' (YAML 1.1 reads 1_0 as a number)", `A_${body}`, /letters and digits starting with a letter/],
  ])("refuses a token that is %s", (_what, token, message) => {
    expect(vaultRootTokenProblems(token)).toEqual([expect.stringMatching(message)]);
  });

  it("catches an old state directory's hvs. token in the cluster's secrets, and passes freshly generated ones", () => {
    const old = { ...generateSecrets(), vaultRootToken: `hvs.${randomBytes(24).toString("base64url")}` };
    expect(secretProblems(old)).toEqual([expect.stringMatching(/^vaultRootToken has the 'hvs\.' prefix: Vault 2\.0\.4 refuses it/)]);
    expect(secretProblems(generateSecrets())).toEqual([]);
  });
});
