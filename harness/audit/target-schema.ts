/**
 * The JSON schema of an audit target file (fixtures/audit/target.example.yaml).
 * It holds names and paths only: a token, password or connection string is
 * never a field (harness/audit/target-secrets.ts refuses one before the
 * schema runs), so the target can be recorded in a bundle as it is.
 */
const name = { type: "string", minLength: 1, pattern: "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$" } as const;
const text = { type: "string", minLength: 1 } as const;
const absPath = { type: "string", pattern: "^/" } as const;
const envName = { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_]*$" } as const;

const obj = (properties: Record<string, object>, required: string[]) =>
  ({ type: "object", additionalProperties: false, required, properties }) as const;

const podRef = {
  ...obj({ namespace: name, name, selector: text, container: name }, ["namespace", "container"]),
  oneOf: [{ required: ["name"] }, { required: ["selector"] }],
} as const;

const inPod = obj(
  { pod: podRef, socket: absPath, host: text, port: { type: "integer", minimum: 1, maximum: 65535 }, user: name, database: name },
  ["pod", "user", "database"],
);
const connection = obj(
  { connection: { oneOf: [obj({ env: envName }, ["env"]), obj({ file: text }, ["file"])] } },
  ["connection"],
);

const agent = {
  oneOf: [
    obj({ absent: { const: true } }, ["absent"]),
    obj({ namespace: name, selector: text, container: name }, ["namespace", "selector", "container"]),
  ],
} as const;

const etcd = {
  oneOf: [
    { enum: ["kubeadm-static-pod", "none"] },
    obj(
      { endpoints: { type: "array", minItems: 1, items: { type: "string", pattern: "^https://[^@/]+$" } }, caFile: text, certFile: text, keyFile: text },
      ["endpoints", "caFile", "certFile", "keyFile"],
    ),
  ],
} as const;

export const TARGET_API_VERSION = "secretproof.dev/v1alpha1";
export const TARGET_KIND = "AuditTarget";

export const targetSchema = obj(
  {
    apiVersion: { const: TARGET_API_VERSION },
    kind: { const: TARGET_KIND },
    kubeContext: text,
    workload: obj(
      {
        namespace: name,
        kind: { enum: ["Deployment", "StatefulSet"] },
        name,
        container: name,
        service: obj({ name, port: { type: "integer", minimum: 1, maximum: 65535 } }, ["name", "port"]),
      },
      ["namespace", "kind", "name", "container"],
    ),
    secrets: obj(
      {
        mountPath: absPath,
        files: { type: "array", minItems: 1, uniqueItems: true, items: { type: "string", pattern: "^[^/]+$" } },
        passwordFile: { type: "string", pattern: "^[^/]+$" },
      },
      ["mountPath", "files"],
    ),
    database: { oneOf: [inPod, connection] },
    vault: obj(
      { address: { type: "string", pattern: "^https?://[^@/]+(/.*)?$" }, tokenFile: text, databaseMount: text, role: text },
      ["address", "databaseMount", "role"],
    ),
    falco: agent,
    tetragon: agent,
    etcd,
  },
  ["apiVersion", "kind", "kubeContext", "workload", "secrets", "database", "vault", "falco", "tetragon", "etcd"],
);

/** How to fix each part of a target, by field path: the error names the field and one of these. */
export const TARGET_FIXES: Readonly<Record<string, string>> = {
  apiVersion: `write apiVersion: ${TARGET_API_VERSION}`,
  kind: `write kind: ${TARGET_KIND}`,
  kubeContext: "name a context of your kubeconfig (kubectl config get-contexts)",
  workload: "give namespace, kind (Deployment or StatefulSet), name and container of the workload under audit, and optionally service: {name, port} (the Service --attack probes the app through)",
  secrets: "give the secrets mountPath (absolute), the file names in it (no '/'), and optionally passwordFile: the one of them holding the database password",
  database:
    "give either { pod: {namespace, name or selector, container}, socket or host, user, database } to run psql in, " +
    "or { connection: { env: NAME } } / { connection: { file: PATH } }",
  vault: "give address (http(s)://host:port, no credentials), databaseMount and role; the token comes from tokenFile or VAULT_TOKEN",
  falco: "give { namespace, selector, container } of the Falco pods, or { absent: true }",
  tetragon: "give { namespace, selector, container } of the Tetragon pods, or { absent: true }",
  etcd: "give kubeadm-static-pod, none, or { endpoints: [https://host:2379], caFile, certFile, keyFile }",
};
