/** apiserver.config.k8s.io/v1 EncryptionConfiguration, the fields we use. */
export interface EncryptionConfiguration {
  apiVersion: "apiserver.config.k8s.io/v1";
  kind: "EncryptionConfiguration";
  resources: {
    resources: string[];
    providers: ({ aescbc: { keys: { name: string; secret: string }[] } } | { identity: Record<string, never> })[];
  }[];
}

/**
 * Secrets are written with aescbc under the cluster's own key; identity comes
 * second so Secrets stored before encryption was on can still be read (and
 * are found by A1's scan of every key, since they stay plaintext until
 * rewritten).
 */
export function renderEncryptionConfig(secrets: { encryptionKeyName: string; encryptionKey: string }): EncryptionConfiguration {
  return {
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "EncryptionConfiguration",
    resources: [
      {
        resources: ["secrets"],
        providers: [{ aescbc: { keys: [{ name: secrets.encryptionKeyName, secret: secrets.encryptionKey }] } }, { identity: {} }],
      },
    ],
  };
}
