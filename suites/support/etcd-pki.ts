/** A throwaway PKI for a TLS etcd in the local tier: a CA, a server and a client certificate, and a client of another CA. */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../harness/core/exec.ts";

export interface EtcdPki {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  clientCertFile: string;
  clientKeyFile: string;
  /** A client certificate signed by another CA, which etcd must refuse. */
  rogueCertFile: string;
  rogueKeyFile: string;
  remove(): Promise<void>;
}

const openssl = (args: string[], cwd: string) => run("openssl", args, { timeoutMs: 20_000, cwd });
const EC = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];

async function ca(dir: string, name: string): Promise<void> {
  await openssl(["req", "-x509", ...EC, "-keyout", `${name}.key`, "-out", `${name}.crt`, "-days", "1", "-subj", `/CN=${name}`], dir);
}

async function signed(dir: string, name: string, caName: string, ext: string): Promise<void> {
  await writeFile(join(dir, `${name}.ext`), ext);
  await openssl(["req", ...EC, "-keyout", `${name}.key`, "-out", `${name}.csr`, "-subj", `/CN=${name}`], dir);
  await openssl(["x509", "-req", "-in", `${name}.csr`, "-CA", `${caName}.crt`, "-CAkey", `${caName}.key`, "-CAcreateserial", "-out", `${name}.crt`, "-days", "1", "-extfile", `${name}.ext`], dir);
}

export async function makeEtcdPki(): Promise<EtcdPki> {
  const dir = await mkdtemp(join(tmpdir(), "secretproof-etcd-pki-"));
  await ca(dir, "etcd-ca");
  await ca(dir, "other-ca");
  await signed(dir, "server", "etcd-ca", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n");
  await signed(dir, "auditor", "etcd-ca", "extendedKeyUsage=clientAuth\n");
  await signed(dir, "rogue", "other-ca", "extendedKeyUsage=clientAuth\n");
  const f = (n: string) => join(dir, n);
  return {
    dir,
    caFile: f("etcd-ca.crt"),
    serverCertFile: f("server.crt"),
    serverKeyFile: f("server.key"),
    clientCertFile: f("auditor.crt"),
    clientKeyFile: f("auditor.key"),
    rogueCertFile: f("rogue.crt"),
    rogueKeyFile: f("rogue.key"),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
