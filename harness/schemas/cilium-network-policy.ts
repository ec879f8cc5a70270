import { readFileSync } from "node:fs";
import type { AnySchema } from "ajv";

/** Our strict, reduced CiliumNetworkPolicy schema, written from the upstream CRD (its $comment cites it). */
export const CNP_SCHEMA_PATH = new URL("../../fixtures/cilium/ciliumnetworkpolicy.schema.json", import.meta.url);

export const ciliumNetworkPolicySchema = JSON.parse(readFileSync(CNP_SCHEMA_PATH, "utf8")) as AnySchema;
