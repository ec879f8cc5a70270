/**
 * JSON schema of apiserver.config.k8s.io/v1 EncryptionConfiguration, written
 * from kubernetes staging/src/k8s.io/apiserver/pkg/apis/apiserver/v1/types.go
 * (EncryptionConfiguration, ResourceConfiguration, ProviderConfiguration,
 * AESConfiguration, SecretboxConfiguration, Key, IdentityConfiguration,
 * KMSConfiguration). Each provider entry sets exactly one provider.
 */
const keys = {
  type: "array",
  minItems: 1,
  items: {
    type: "object",
    additionalProperties: false,
    required: ["name", "secret"],
    properties: { name: { type: "string", minLength: 1 }, secret: { type: "string", minLength: 1 } },
  },
} as const;

const keyed = { type: "object", additionalProperties: false, required: ["keys"], properties: { keys } } as const;

const provider = {
  type: "object",
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  properties: {
    aesgcm: keyed,
    aescbc: keyed,
    secretbox: keyed,
    identity: { type: "object", additionalProperties: false, properties: {} },
    kms: { type: "object" },
  },
} as const;

export const encryptionConfigurationSchema = {
  $id: "secretproof/encryption-configuration-v1",
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind", "resources"],
  properties: {
    apiVersion: { const: "apiserver.config.k8s.io/v1" },
    kind: { const: "EncryptionConfiguration" },
    resources: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["resources", "providers"],
        properties: {
          resources: { type: "array", minItems: 1, items: { type: "string" } },
          providers: { type: "array", minItems: 1, items: provider },
        },
      },
    },
  },
} as const;
