import { versions } from "../../../clusters/versions.ts";
import { vaultBinding } from "../../../harness/cluster/render/external.ts";
import { generateSecrets } from "../../../harness/cluster/state/secrets.ts";
import type { StackInputs } from "../../../harness/cluster/render/plan.ts";
import { loadProfile } from "../../../harness/profile.ts";

/** Small stand-in for the Falco rules file (its content is validated by the detect suites, not here). */
export const SAMPLE_RULES = "- rule: sample\n  desc: d\n  condition: evt.type = open\n  output: o\n  priority: WARNING\n";

export function sampleInputs(over: Partial<StackInputs> = {}): StackInputs {
  return {
    clusterName: "secretproof",
    profile: loadProfile("ci"),
    versions,
    secrets: generateSecrets(),
    encryptionHostDir: "/home/u/.secretproof/secretproof/encryption",
    vault: vaultBinding(),
    falcoRules: SAMPLE_RULES,
    appImageId: "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    vaultAddr: "http://127.0.0.1:38200",
    ...over,
  };
}
