import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, stringify } from "yaml";
import { describe, expect, it } from "vitest";
import { APP, NS, POSTGRES, TETRAGON, kindContext } from "../../../clusters/names.ts";
import { vaultNames } from "../../../fixtures/vault/definitions.ts";
import { kindTarget, renderKindTarget } from "../../../harness/audit/target-kind.ts";
import { parseTarget, targetProblems } from "../../../harness/audit/target.ts";

const EXAMPLE = readFileSync(join(import.meta.dirname, "../../../fixtures/audit/target.example.yaml"), "utf8");
const example = () => parse(EXAMPLE) as Record<string, unknown> & { vault: Record<string, unknown>; database: Record<string, unknown> };
const problems = (edit: (t: ReturnType<typeof example>) => void) => {
  const t = example();
  edit(t);
  return targetProblems(t);
};

describe("audit target file", () => {
  it("the example in fixtures/audit validates", () => {
    expect(targetProblems(parse(EXAMPLE))).toEqual([]);
    expect(parseTarget(EXAMPLE, "target.example.yaml").workload.name).toBe("payments-api");
  });

  it("a literal Vault token is refused, naming the field and the fix", () => {
    expect(problems((t) => (t.vault.token = "hvs.CAESIJ0"))).toEqual(["target.vault.token: give tokenFile or set VAULT_TOKEN; a literal token is refused"]);
  });

  it("a connection string with a password is refused wherever it sits", () => {
    expect(problems((t) => (t.database = { connection: "postgres://app:s3cret@db:5432/app" }))).toEqual([
      "target.database.connection: give connection.env (a variable name) or connection.file (a path); a literal connection string is refused",
    ]);
    expect(problems((t) => (t.database = { connection: { env: "postgres://app:s3cret@db/app" } }))[0]).toMatch(/^target\.database\.connection\.env: holds a URI with a password/);
    expect(problems((t) => (t.vault.address = "https://admin:pw@vault:8200"))[0]).toMatch(/^target\.vault\.address: holds a URI with a password/);
    expect(problems((t) => (t.database.password = "x"))[0]).toMatch(/^target\.database\.password: a literal password is refused/);
  });

  it("a missing or wrong field names its path and how to fix it", () => {
    expect(problems((t) => delete t.kubeContext)).toEqual(["target.kubeContext: is missing; name a context of your kubeconfig (kubectl config get-contexts)"]);
    expect(problems((t) => ((t.workload as Record<string, unknown>).kind = "DaemonSet"))[0]).toMatch(/^target\.workload\.kind: must be equal to one of the allowed values \(Deployment, StatefulSet\); give namespace, kind/);
    expect(problems((t) => (t.etcd = "static"))).toEqual([
      "target.etcd: is not one of the accepted forms; give kubeadm-static-pod, none, or { endpoints: [https://host:2379], caFile, certFile, keyFile }",
    ]);
    expect(problems((t) => (t.falco = { namespace: "falco" }))[0]).toMatch(/^target\.falco: is not one of the accepted forms; .*or \{ absent: true \}/);
    expect(problems((t) => (t.vault.tokenfile = "/x"))[0]).toMatch(/^target\.vault\.tokenfile: is not a field of an audit target/);
    expect(problems((t) => ((t.secrets as Record<string, unknown>).files = ["a/b"]))[0]).toMatch(/^target\.secrets\.files\[0\]: /);
  });

  it("a database pod is named or selected, not both and not neither", () => {
    const inPod = (pod: object) => problems((t) => (t.database = { pod, socket: "/var/run/postgresql", user: "postgres", database: "postgres" }));
    expect(inPod({ namespace: "db", name: "pg-0", container: "pg" })).toEqual([]);
    expect(inPod({ namespace: "db", selector: "app=pg", container: "pg" })).toEqual([]);
    expect(inPod({ namespace: "db", container: "pg" })[0]).toMatch(/^target\.database: is not one of the accepted forms/);
  });

  it("malformed YAML and a non-mapping are refused naming the file", () => {
    expect(() => parseTarget("kubeContext: [", "t.yaml")).toThrow(/^t\.yaml is not YAML: /);
    expect(() => parseTarget("- a\n", "t.yaml")).toThrow(/t\.yaml is not a valid audit target:\n {2}- target: is not a mapping/);
  });
});

describe("secretproof target (the kind cluster up built)", () => {
  it("prints a target that validates and holds no credential", () => {
    const text = renderKindTarget("secretproof", "/home/u/.secretproof/secretproof");
    const t = parseTarget(text, "printed");
    expect(t).toEqual(kindTarget("secretproof"));
    expect(text).toContain("/home/u/.secretproof/secretproof/secrets.json");
    expect(text).not.toMatch(/vaultRootToken":|token:/);
  });

  it("names the objects the suites use", () => {
    const t = kindTarget("demo");
    expect(t.kubeContext).toBe(kindContext("demo"));
    expect(t.workload).toEqual({ namespace: NS.app, kind: "Deployment", name: APP.deployment, container: APP.container, service: { name: APP.service, port: APP.servicePort } });
    expect(t.secrets).toEqual({ mountPath: APP.mountPath, files: [APP.usernameObject, APP.passwordObject] });
    expect(t.database).toMatchObject({ pod: { namespace: NS.postgres, name: POSTGRES.pod, container: POSTGRES.container }, user: POSTGRES.adminUser, database: POSTGRES.database });
    expect(t.vault).toMatchObject({ databaseMount: vaultNames.databaseMount, role: vaultNames.role });
    expect(t.tetragon).toMatchObject({ namespace: TETRAGON.namespace });
    expect(t.falco).toMatchObject({ namespace: NS.falco });
  });

  it("a target round-trips through YAML unchanged", () => {
    expect(parseTarget(stringify(kindTarget("x")), "x")).toEqual(kindTarget("x"));
  });
});

describe("audit target file: a missing alternative field", () => {
  it("is reported as missing, not as a wrong form", () => {
    const t = parse(EXAMPLE) as Record<string, unknown>;
    delete t.etcd;
    expect(targetProblems(t)).toEqual(["target.etcd: is missing; give kubeadm-static-pod, none, or { endpoints: [https://host:2379], caFile, certFile, keyFile }"]);
  });
});
