import { randomBytes } from "node:crypto";
import { basename } from "node:path";
import { describe, expect } from "vitest";
import { judgeA1 } from "../../harness/claims/a1-encryption/judge.ts";
import { a1EncryptionFamily } from "../../harness/claims/a1-encryption/family.ts";
import { collectA1, deleteA1Canaries } from "../../harness/claims/a1-encryption/collect.ts";
import { writeA1Evidence } from "../../harness/claims/a1-encryption/evidence.ts";
import { e2eTest } from "../../harness/vitest/fixtures.ts";

/** Whatever a test planted is deleted after the file, pass or fail. */
const test = e2eTest.extend("planted", { scope: "file", auto: true }, async ({ e2e, teardown }) => {
  teardown.defer(() => deleteA1Canaries(e2e.kube));
});

describe("A1: Secrets are ciphertext in etcd", () => {
  test("a canary Secret is aescbc ciphertext under the configured key that decrypts to the canary, every stored Secret is encrypted, and a canary ConfigMap is plaintext", async ({ e2e }) => {
    const canary = `a1-canary-${randomBytes(16).toString("hex")}`;
    const expected = {
      provider: "aescbc" as const,
      keyName: e2e.secrets.encryptionKeyName,
      key: Buffer.from(e2e.secrets.encryptionKey, "base64"),
    };
    const target = { kube: e2e.kube, clusterName: e2e.ctx.clusterName, runId: basename(e2e.ctx.runDir) };
    const evidence = await collectA1(target, canary, expected);
    const paths = await writeA1Evidence(e2e.evidence, evidence);
    const v = judgeA1({ ...evidence, evidence: paths });
    await e2e.evidence.verdicts(a1EncryptionFamily.id, [v]);
    expect(v.negativeControl?.verdict, v.negativeControl?.reasons.join("\n")).toBe("pass");
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});
