import { CLAIM_IDS, type ClaimId } from "../claims/verdict.ts";

/** The rendered objects a mutation may change (harness/mutations/stack.ts MutableStack). */
export const MUTATION_OBJECTS = [
  "encryption-config",
  "helm/falco",
  "helm/secrets-store-csi-driver",
  "secret-provider-class",
  "app-deployment",
  "app-objects",
  "vault-configuration",
  "tracing-policy",
  "falco-rules",
] as const;
export type MutationObject = (typeof MUTATION_OBJECTS)[number];

export type FieldPath = readonly (string | number)[];

/** A value copied from the rendered stack (e.g. a secret the stack holds), resolved by apply. */
export interface StackRef {
  from: MutationObject;
  path: FieldPath;
}

export type Operation =
  | { op: "set"; object: MutationObject; path: FieldPath; value: unknown }
  | { op: "delete"; object: MutationObject; path: FieldPath }
  | { op: "move"; object: MutationObject; path: FieldPath; from: number; to: number }
  | { op: "append"; object: MutationObject; path: FieldPath; value: unknown }
  | { op: "remove-rule"; object: "falco-rules"; rule: string };

export interface Mutation {
  name: string;
  why: string;
  source?: string;
  change: Operation[];
  fail: ClaimId[];
  pass: ClaimId[];
  refusedBy?: string;
}

export interface MutationCatalogue {
  mutations: Mutation[];
}

const object = { enum: [...MUTATION_OBJECTS] } as const;
const path = { type: "array", items: { type: ["string", "integer"] } } as const;
const claims = { type: "array", uniqueItems: true, items: { enum: [...CLAIM_IDS] } } as const;
const op = (name: string, props: Record<string, object>, required: string[]) => ({
  type: "object",
  additionalProperties: false,
  required: ["op", ...required],
  properties: { op: { const: name }, ...props },
});

/** JSON schema of fixtures/mutations.yaml. */
export const MUTATION_CATALOGUE_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["mutations"],
  properties: {
    mutations: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["name", "why", "change", "fail", "pass"],
        properties: {
          name: { type: "string", pattern: "^[a-z0-9]+(-[a-z0-9]+)*$", maxLength: 24 },
          why: { type: "string", minLength: 20 },
          source: { type: "string" },
          refusedBy: { type: "string", minLength: 10 },
          fail: { ...claims, minItems: 1 },
          pass: claims,
          change: {
            type: "array",
            minItems: 1,
            items: {
              oneOf: [
                op("set", { object, path, value: {} }, ["object", "path", "value"]),
                op("delete", { object, path: { ...path, minItems: 1 } }, ["object", "path"]),
                op("move", { object, path, from: { type: "integer", minimum: 0 }, to: { type: "integer", minimum: 0 } }, ["object", "path", "from", "to"]),
                op("append", { object, path, value: {} }, ["object", "path", "value"]),
                op("remove-rule", { object: { const: "falco-rules" }, rule: { type: "string", minLength: 1 } }, ["object", "rule"]),
              ],
            },
          },
        },
      },
    },
  },
} as const;
