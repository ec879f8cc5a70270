/**
 * JSON schemas for the SecretProviderClass the app mounts.
 *
 * The object: written from kubernetes-sigs/secrets-store-csi-driver v1.6.0
 * charts/secrets-store-csi-driver/crds/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml
 * (spec.provider string, spec.parameters map of strings, spec.secretObjects).
 * The CRD is not strict, but the API server prunes unknown fields silently,
 * so a misspelled field would vanish: unknown fields are errors here.
 *
 * The Vault provider's parameters: hashicorp/vault-csi-provider v1.7.4
 * internal/config/config.go parseParameters (the keys it reads) and the
 * Secret struct (per-object fields of the `objects` YAML string).
 */
export const secretProviderClassSchema = {
  $id: "secretproof/secretproviderclass-v1",
  type: "object",
  additionalProperties: false,
  required: ["apiVersion", "kind", "metadata", "spec"],
  properties: {
    apiVersion: { const: "secrets-store.csi.x-k8s.io/v1" },
    kind: { const: "SecretProviderClass" },
    metadata: {
      type: "object",
      additionalProperties: false,
      required: ["name", "namespace"],
      properties: {
        name: { type: "string", pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" },
        namespace: { type: "string" },
        labels: { type: "object", additionalProperties: { type: "string" } },
        annotations: { type: "object", additionalProperties: { type: "string" } },
      },
    },
    spec: {
      type: "object",
      additionalProperties: false,
      properties: {
        provider: { type: "string" },
        parameters: { type: "object", additionalProperties: { type: "string" } },
        secretObjects: { type: "array" },
      },
    },
  },
} as const;

/** Keys the Vault provider reads from spec.parameters (the driver adds csi.storage.k8s.io/* itself). */
export const vaultProviderParametersSchema = {
  $id: "secretproof/vault-provider-parameters",
  type: "object",
  additionalProperties: false,
  required: ["roleName", "objects"],
  properties: {
    roleName: { type: "string", minLength: 1 },
    vaultAddress: { type: "string", pattern: "^https?://" },
    vaultNamespace: { type: "string" },
    vaultCACertPath: { type: "string" },
    vaultCADirectory: { type: "string" },
    vaultTLSServerName: { type: "string" },
    vaultTLSClientCertPath: { type: "string" },
    vaultTLSClientKeyPath: { type: "string" },
    vaultSkipTLSVerify: { enum: ["true", "false"] },
    vaultKubernetesMountPath: { type: "string" },
    vaultAuthMountPath: { type: "string" },
    audience: { type: "string" },
    objects: { type: "string", minLength: 1 },
  },
} as const;

/** One entry of the `objects` YAML list (vault-csi-provider internal/config/config.go, type Secret). */
export const vaultProviderObjectsSchema = {
  $id: "secretproof/vault-provider-objects",
  type: "array",
  minItems: 1,
  items: {
    type: "object",
    additionalProperties: false,
    required: ["objectName", "secretPath"],
    properties: {
      objectName: { type: "string", pattern: "^[A-Za-z0-9._-]+$" },
      secretPath: { type: "string", minLength: 1 },
      secretKey: { type: "string" },
      method: { type: "string" },
      secretArgs: { type: "object" },
      filePermission: { type: "integer" },
      encoding: { type: "string" },
    },
  },
} as const;
