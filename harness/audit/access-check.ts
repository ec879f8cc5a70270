import { access, constants, readFile, stat } from "node:fs/promises";
import { AuthenticationV1Api, AuthorizationV1Api, KubeConfig } from "@kubernetes/client-node";
import { PermanentError } from "../core/errors.ts";
import { redactError, redactor as defaultRedactor, type Redactor } from "../evidence/redact.ts";
import type { ClaimAccess } from "./access-plan.ts";
import { type AccessAnswer, answerOf, type OutsideAnswer, permissionsToCheck } from "./preflight-judge.ts";
import type { Permission } from "./permissions.ts";
import type { AuditTarget } from "./target.ts";

/** The kubeconfig pinned to the target's context; a context the kubeconfig lacks is refused naming the ones it has. */
export function targetKubeConfig(t: AuditTarget, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  const where = env.KUBECONFIG ? `KUBECONFIG=${env.KUBECONFIG}` : "~/.kube/config";
  try {
    kc.loadFromDefault();
  } catch (err) {
    throw new PermanentError(`cannot load the kubeconfig (${where}) to reach target.kubeContext ${JSON.stringify(t.kubeContext)}: ${(err as Error).message}`, { cause: err });
  }
  const names = kc.getContexts().map((c) => c.name);
  if (!names.includes(t.kubeContext)) {
    throw new PermanentError(
      `target.kubeContext: context ${JSON.stringify(t.kubeContext)} is not in the kubeconfig (${where}; it has ${names.length ? names.join(", ") : "no contexts"}); name one of them or point KUBECONFIG at the right file`,
    );
  }
  kc.setCurrentContext(t.kubeContext);
  return kc;
}

/** Asks the API server, once per permission, whether the identity may do it (SelfSubjectAccessReview, which writes nothing). */
export async function reviewAccess(kc: KubeConfig, plan: readonly ClaimAccess[]): Promise<AccessAnswer[]> {
  const api = kc.makeApiClient(AuthorizationV1Api);
  const ask = async (p: Permission): Promise<AccessAnswer> => {
    const resourceAttributes = { group: p.group, resource: p.resource, verb: p.verb, ...(p.subresource ? { subresource: p.subresource } : {}), ...(p.namespace ? { namespace: p.namespace } : {}) };
    try {
      const r = await api.createSelfSubjectAccessReview({ body: { apiVersion: "authorization.k8s.io/v1", kind: "SelfSubjectAccessReview", spec: { resourceAttributes } } });
      return answerOf(p, r);
    } catch (err) {
      return { permission: p, error: (redactError(err, defaultRedactor) as Error).message ?? String(err) };
    }
  };
  return Promise.all(permissionsToCheck(plan).map(ask));
}

/** Who the API server says the identity is (SelfSubjectReview), or why it could not say. */
export async function whoAmI(kc: KubeConfig): Promise<{ username?: string; groups?: string[]; error?: string }> {
  try {
    const r = await kc.makeApiClient(AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: "authentication.k8s.io/v1", kind: "SelfSubjectReview" } });
    const u = r.status?.userInfo;
    return { ...(u?.username ? { username: u.username } : {}), ...(u?.groups ? { groups: u.groups } : {}) };
  } catch (err) {
    return { error: `SelfSubjectReview against context ${kc.getCurrentContext()} failed: ${(err as Error).message}` };
  }
}

async function readable(field: string, path: string, what: string): Promise<string> {
  try {
    return (await readFile(path, "utf8")).trim();
  } catch (err) {
    throw new PermanentError(`${field}: cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; fix the path or its permissions`, { cause: err });
  }
}

/** Checks a file can be read without reading it (the etcd client key stays where it is). */
async function canRead(field: string, path: string): Promise<void> {
  try {
    await access(path, constants.R_OK);
  } catch (err) {
    throw new PermanentError(`${field}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}; fix the path or its permissions`, { cause: err });
  }
  if (!(await stat(path)).isFile()) throw new PermanentError(`${field}: cannot read ${path}: not a file; fix the path`);
}

/**
 * Whether the Vault token, the database connection and the etcd client files
 * are there. A file the target names but that cannot be read is an error at
 * once; a credential neither named nor in the environment makes its claims
 * inconclusive. Read credentials are registered with the redactor.
 */
export async function checkOutside(
  t: AuditTarget,
  env: NodeJS.ProcessEnv = process.env,
  red: Redactor = defaultRedactor,
  /** Asks the etcd endpoint (etcd-access.ts checkEtcdClient); without it only the client files are checked. */
  etcdAnswers?: (e: Exclude<AuditTarget["etcd"], string>) => Promise<OutsideAnswer>,
): Promise<OutsideAnswer[]> {
  const out: OutsideAnswer[] = [];
  const token = t.vault.tokenFile ? await readable("target.vault.tokenFile", t.vault.tokenFile, "the Vault token file") : env.VAULT_TOKEN;
  if (token) red.register(token, "Vault token (audit)");
  out.push(token
    ? { access: "vault-token", ok: true, detail: t.vault.tokenFile ? `read from ${t.vault.tokenFile}` : "from VAULT_TOKEN" }
    : { access: "vault-token", ok: false, detail: t.vault.tokenFile ? `${t.vault.tokenFile} is empty` : "no Vault token: give target.vault.tokenFile or set VAULT_TOKEN" });
  if ("connection" in t.database) {
    const c = t.database.connection;
    const value = "env" in c ? env[c.env] : await readable("target.database.connection.file", c.file, "the connection string file");
    if (value) red.register(value, "database connection string (audit)");
    const from = "env" in c ? `environment variable ${c.env}` : c.file;
    out.push({ access: "database", ok: Boolean(value), detail: value ? `from ${from}` : `${from} is empty or unset (target.database.connection)` });
  }
  if (typeof t.etcd === "object") {
    for (const k of ["caFile", "certFile", "keyFile"] as const) await canRead(`target.etcd.${k}`, t.etcd[k]);
    out.push(etcdAnswers ? await etcdAnswers(t.etcd) : { access: "etcd-client", ok: true, detail: `client files readable for ${t.etcd.endpoints.join(", ")} (the endpoint was not asked)` });
  }
  return out;
}
