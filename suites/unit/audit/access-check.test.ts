import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { checkOutside, targetKubeConfig } from "../../../harness/audit/access-check.ts";
import { kindTarget } from "../../../harness/audit/target-kind.ts";
import type { AuditTarget } from "../../../harness/audit/target.ts";
import { Redactor } from "../../../harness/evidence/redact.ts";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "secretproof-audit-access-"));
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(dir, { recursive: true, force: true });
});

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: prod
  cluster: { server: "https://10.0.0.1:6443" }
users:
- name: auditor
  user: { token: "not-a-real-token" }
contexts:
- name: prod-eu-1
  context: { cluster: prod, user: auditor }
- name: staging
  context: { cluster: prod, user: auditor }
current-context: staging
`;

describe("audit access outside the plan: kube context, Vault token, connection string, etcd files", () => {
  it("a kube context the kubeconfig lacks is refused naming the contexts it has; a present one is selected", async () => {
    const path = join(dir, "config");
    await writeFile(path, KUBECONFIG);
    vi.stubEnv("KUBECONFIG", path);
    expect(() => targetKubeConfig({ ...kindTarget("secretproof") }, { KUBECONFIG: path })).toThrow(
      `target.kubeContext: context "kind-secretproof" is not in the kubeconfig (KUBECONFIG=${path}; it has prod-eu-1, staging); name one of them or point KUBECONFIG at the right file`,
    );
    expect(targetKubeConfig({ ...kindTarget("x"), kubeContext: "prod-eu-1" }).getCurrentContext()).toBe("prod-eu-1");
  });

  it("an unreadable token file stops the audit naming the field and the file", async () => {
    const t: AuditTarget = { ...kindTarget("x"), vault: { ...kindTarget("x").vault, tokenFile: join(dir, "absent") } };
    await expect(checkOutside(t, {}, new Redactor())).rejects.toThrow(`target.vault.tokenFile: cannot read the Vault token file ${join(dir, "absent")}: ENOENT`);
  });

  it("no token anywhere leaves Vault's claims without it, saying how to give one; a token read is registered for redaction", async () => {
    const none = await checkOutside(kindTarget("x"), {}, new Redactor());
    expect(none).toEqual([{ access: "vault-token", ok: false, detail: "no Vault token: give target.vault.tokenFile or set VAULT_TOKEN" }]);
    const red = new Redactor();
    const token = "hvs.CAESIGx7Qk2mNv8pLr5tYw3zA9";
    await writeFile(join(dir, "token"), `${token}\n`);
    const t: AuditTarget = { ...kindTarget("x"), vault: { ...kindTarget("x").vault, tokenFile: join(dir, "token") } };
    expect((await checkOutside(t, {}, red))[0]).toEqual({ access: "vault-token", ok: true, detail: `read from ${join(dir, "token")}` });
    expect(red.redact(`token=${token}`)).not.toContain(token);
  });

  it("a connection string comes from the named variable, and its absence is named", async () => {
    const t: AuditTarget = { ...kindTarget("x"), database: { connection: { env: "AUDIT_PG_URL" } } };
    const red = new Redactor();
    const url = "postgres://auditor:Zq81-pwd@db.internal:5432/app";
    const found = await checkOutside(t, { VAULT_TOKEN: "hvs.CAESIB4k9Xw2Lr7pQz8mNv3tYu5", AUDIT_PG_URL: url }, red);
    expect(found[1]).toEqual({ access: "database", ok: true, detail: "from environment variable AUDIT_PG_URL" });
    expect(red.redact(url)).not.toContain("Zq81-pwd");
    expect((await checkOutside(t, { VAULT_TOKEN: "hvs.CAESIB4k9Xw2Lr7pQz8mNv3tYu5" }, new Redactor()))[1]).toEqual({ access: "database", ok: false, detail: "environment variable AUDIT_PG_URL is empty or unset (target.database.connection)" });
  });

  it("an etcd client file that cannot be read stops the audit naming it", async () => {
    for (const f of ["ca", "cert"]) await writeFile(join(dir, f), "x");
    // a directory where the key should be: not a readable file, for root too (a mode-000 file is readable by root)
    await mkdir(join(dir, "key"));
    const t: AuditTarget = { ...kindTarget("x"), etcd: { endpoints: ["https://10.0.0.10:2379"], caFile: join(dir, "ca"), certFile: join(dir, "cert"), keyFile: join(dir, "key") } };
    await expect(checkOutside(t, { VAULT_TOKEN: "hvs.CAESIB4k9Xw2Lr7pQz8mNv3tYu5" }, new Redactor())).rejects.toThrow(`target.etcd.keyFile: cannot read ${join(dir, "key")}: not a file`);
  });

  it("etcd client files that are missing stop the audit naming the field", async () => {
    const t: AuditTarget = { ...kindTarget("x"), etcd: { endpoints: ["https://10.0.0.10:2379"], caFile: join(dir, "ca"), certFile: join(dir, "cert"), keyFile: join(dir, "key") } };
    await expect(checkOutside(t, { VAULT_TOKEN: "hvs.CAESIB4k9Xw2Lr7pQz8mNv3tYu5" }, new Redactor())).rejects.toThrow(`target.etcd.caFile: cannot read ${join(dir, "ca")}: ENOENT`);
  });
});
