import { randomBytes } from "node:crypto";
import { basename } from "node:path";
import { describe, expect } from "vitest";
import { collectAppCredentials } from "../../harness/app/identities.ts";
import { a2NoSecretsFamily } from "../../harness/claims/a2-no-secrets/family.ts";
import { VAULT_CSI_HMAC_KEY, credentialNeedles, judgeA2, scopeOf } from "../../harness/claims/a2-no-secrets/judge.ts";
import { A2_PLANT, collectA2, deleteA2Canary, plantA2Canary } from "../../harness/claims/a2-no-secrets/collect.ts";
import { writeA2Evidence } from "../../harness/claims/a2-no-secrets/evidence.ts";
import { redactor } from "../../harness/evidence/redact.ts";
import { e2eTest } from "../../harness/vitest/fixtures.ts";

const APP_NAMESPACE = "test-dynamic";
const VAULT_NAMESPACE = "vault";

/** Whatever a test planted is deleted after the file, pass or fail. */
const test = e2eTest.extend("planted", { scope: "file", auto: true }, async ({ e2e, teardown }) => {
  teardown.defer(() => deleteA2Canary(e2e.kube));
});

describe("A2: no Kubernetes Secret holds the app credential", () => {
  test("test-dynamic holds no Secret and no Secret, ConfigMap or pod env holds the app's DB password or a DB identity it reported, while a planted canary Secret is found", async ({ e2e }) => {
    // The password is registered with the redactor as it is read; the usernames here, before anything is written.
    const found = await collectAppCredentials(e2e.kube, e2e.profile);
    const identities = credentialNeedles(found);
    for (const n of identities) redactor.register(n.value, n.label);
    const control = { label: "planted canary", value: `a2-canary-${randomBytes(16).toString("hex")}` };
    await plantA2Canary(e2e.kube, basename(e2e.ctx.runDir), control.value);
    const docs = await collectA2(e2e.kube);
    const scope = {
      identities,
      control: { needle: control, ...A2_PLANT },
      secretFreeNamespaces: [APP_NAMESPACE],
      allowedSecrets: [VAULT_CSI_HMAC_KEY(VAULT_NAMESPACE)],
    };
    const result = judgeA2({ ...docs, ...scope });
    const paths = await writeA2Evidence(e2e.evidence, scopeOf(scope), result);
    const v = { ...result.verdict, evidence: paths };
    await e2e.evidence.verdicts(a2NoSecretsFamily.id, [v]);
    expect(found.usernames.length, "the app reported no DB identity through its Service").toBeGreaterThan(0);
    expect(v.negativeControl?.verdict, v.negativeControl?.reasons.join("\n")).toBe("pass");
    expect(v.verdict, v.reasons.join("\n")).toBe("pass");
  });
});
