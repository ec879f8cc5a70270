import { CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { PermanentError } from "../core/errors.ts";
import type { FoundPolicy } from "./policy-guards.ts";
import { POLICY_RESOURCE, type TracingPolicyDoc } from "../tetragon/policy.ts";

/**
 * The only handle an audit has that writes: create, list and delete of
 * TracingPolicyNamespaced in one namespace. `secretproof audit` builds it
 * only for --apply-policy (audit-kube.ts); the read-only and --attack paths
 * never hold one.
 */
export interface PolicyKube {
  readonly context: string;
  readonly namespace: string;
  /** Names of the TracingPolicyNamespaced in the namespace. */
  names(): Promise<string[]>;
  /** Creates the policy; never replaces one (a POST of an existing name is refused, 409 AlreadyExists). Returns the new object's uid. */
  create(doc: TracingPolicyDoc): Promise<{ uid: string }>;
  /** Deletes the object with this name only if it still has `uid`; "gone" when nothing has the name any more, "replaced" when another object has it (the uid precondition failed, 409). */
  delete(name: string, uid: string): Promise<"deleted" | "gone" | "replaced">;
  /** The object with this name among those carrying `label` (its uid and labels), or undefined when there is none. */
  find(name: string, label: { key: string; value: string }): Promise<FoundPolicy | undefined>;
}

const [GROUP, VERSION] = ["cilium.io", "v1alpha1"];
const PLURAL = POLICY_RESOURCE.split(".")[0]!;

/** The command an operator runs to remove the policy by hand. */
export const manualDeleteCommand = (context: string, namespace: string, name: string): string => `kubectl --context ${context} -n ${namespace} delete ${POLICY_RESOURCE} ${name}`;

function apiCode(err: unknown): number | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
}

function apiMessage(err: unknown): string {
  const body = (err as { body?: unknown }).body;
  const parsed = typeof body === "string" ? (() => { try { return JSON.parse(body) as { message?: string }; } catch { return undefined; } })() : (body as { message?: string } | undefined);
  return parsed?.message ?? (err instanceof Error ? err.message : String(err));
}

const failure = (what: string, err: unknown): Error => {
  const code = apiCode(err);
  const msg = `${what} returned ${code ?? "no HTTP status"}: ${apiMessage(err)}`;
  // 401, 403, 404 (no CRD), 409, 422 will not fix themselves.
  return code !== undefined && code >= 400 && code < 500 ? new PermanentError(msg, { cause: err }) : new Error(msg, { cause: err });
};

/**
 * The handle over the API server (@kubernetes/client-node 1.3.0
 * CustomObjectsApi). Create is a POST with fieldValidation=Strict, so an
 * unknown field fails the request instead of being dropped; delete carries
 * preconditions.uid, so the API server refuses it (409 Conflict) if the name
 * now belongs to another object (kubernetes/apiserver v0.35.0
 * pkg/storage/interfaces.go:138-165 Preconditions.Check,
 * pkg/storage/errors/storage.go:97-104 InterpretDeleteError,
 * pkg/registry/generic/registry/store.go:1147-1150).
 */
export function openPolicyKube(kc: KubeConfig, namespace: string): PolicyKube {
  const api = kc.makeApiClient(CustomObjectsApi);
  const context = kc.getCurrentContext();
  const where = (verb: string, name?: string) => `${verb} ${POLICY_RESOURCE}${name ? ` ${name}` : ""} in ${namespace} (context ${context})`;
  const own = (doc: TracingPolicyDoc) => {
    if (doc.metadata.namespace !== namespace) throw new PermanentError(`refused to create ${POLICY_RESOURCE} ${doc.metadata.name} in ${doc.metadata.namespace}: this handle writes in ${namespace} only`);
  };
  return {
    context,
    namespace,
    async names() {
      const r = (await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL }).catch((err: unknown) => {
        throw failure(where("list"), err);
      })) as { items?: { metadata?: { name?: string } }[] };
      return (r.items ?? []).flatMap((i) => (i.metadata?.name ? [i.metadata.name] : []));
    },
    async create(doc) {
      own(doc);
      const r = (await api.createNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, body: doc, fieldValidation: "Strict", fieldManager: "secretproof-audit" }).catch((err: unknown) => {
        throw failure(where("create", doc.metadata.name), err);
      })) as { metadata?: { uid?: string } };
      const uid = r.metadata?.uid;
      if (!uid) throw new Error(`${where("create", doc.metadata.name)} answered without metadata.uid`);
      return { uid };
    },
    async find(name, label) {
      // A list (the verb the run already holds), by this run's label: no get permission is needed.
      const r = (await api.listNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, labelSelector: `${label.key}=${label.value}` }).catch((err: unknown) => {
        throw failure(where("list", `-l ${label.key}=${label.value}`), err);
      })) as { items?: { metadata?: { name?: string; uid?: string; labels?: Record<string, string> } }[] };
      const m = (r.items ?? []).find((i) => i.metadata?.name === name)?.metadata;
      return m?.uid ? { uid: m.uid, labels: m.labels ?? {} } : undefined;
    },
    async delete(name, uid) {
      try {
        await api.deleteNamespacedCustomObject({ group: GROUP, version: VERSION, namespace, plural: PLURAL, name, body: { preconditions: { uid } } });
        return "deleted";
      } catch (err) {
        if (apiCode(err) === 404) return "gone";
        // The precondition names only our uid: a 409 means the name now belongs to another object, so ours is gone (store.go:1147-1150).
        if (apiCode(err) === 409) return "replaced";
        throw failure(`${where("delete", name)} (precondition uid ${uid})`, err);
      }
    },
  };
}
