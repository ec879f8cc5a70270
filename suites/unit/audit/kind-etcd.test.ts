import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { auditStepPlan, auditExitProblem, etcdEndpointOf, etcdUnreachable, newRunDir, verifyExitProblem } from "../../../harness/audit/e2e-step.ts";
import { buildCli } from "../../../harness/cli/main.ts";
import { copyKindEtcdCerts } from "../../../harness/audit/kind-etcd-copy.ts";
import { KUBEADM_ETCD_PKI, dockerCopyArgs, dockerInspectArgs, kindEtcdAccess, nodeIpOf } from "../../../harness/audit/kind-etcd.ts";
import { kindTarget, renderKindTarget } from "../../../harness/audit/target-kind.ts";
import { parseTarget } from "../../../harness/audit/target.ts";
import { cliBounds } from "../../../harness/cluster/run/run-bound.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { useFakeTools } from "../../support/fake-tools.ts";

/**
 * `docker inspect --format '{{json .NetworkSettings.Networks}}'` of a kind
 * node: one EndpointSettings per network (moby api/types/network
 * EndpointSettings: IPAddress, GlobalIPv6Address, …), on kind's network.
 */
const KIND_NODE_NETWORKS = JSON.stringify({
  kind: {
    IPAMConfig: null, Links: null, Aliases: null, MacAddress: "02:42:ac:12:00:02", DriverOpts: null,
    NetworkID: "5b1c3f0e9d2a", EndpointID: "8e7d6c5b4a39", Gateway: "172.18.0.1", IPAddress: "172.18.0.2", IPPrefixLen: 16,
    IPv6Gateway: "fc00:f853:ccd:e793::1", GlobalIPv6Address: "fc00:f853:ccd:e793::2", GlobalIPv6PrefixLen: 64, DNSNames: ["secretproof-control-plane", "3f2a1b0c9d8e"],
  },
});

/** A stand-in `docker`: inspect prints the networks above for the node; cp writes a world-readable file naming its source. */
const FAKE_DOCKER = `#!/bin/sh
case "$1" in
  inspect) if [ "$4" = "secretproof-control-plane" ]; then echo '${KIND_NODE_NETWORKS}'; else echo "Error: No such object: $4" >&2; exit 1; fi;;
  cp) echo "copied from $2" > "$3"; chmod 644 "$3";;
  *) echo "unexpected: $*" >&2; exit 2;;
esac
`;

describe("the kind target's etcd access (target --etcd-certs)", () => {
  it("reads the node's IPv4 address on kind's network, else its one network with an address, and names what it saw otherwise", () => {
    expect(nodeIpOf(KIND_NODE_NETWORKS, "n")).toBe("172.18.0.2");
    expect(nodeIpOf(JSON.stringify({ bridge: { IPAddress: "" }, custom: { IPAddress: "10.1.0.4" } }), "n")).toBe("10.1.0.4");
    expect(() => nodeIpOf(JSON.stringify({ a: { IPAddress: "10.0.0.2" }, b: { IPAddress: "10.0.0.3" } }), "n")).toThrow("docker inspect of n: no IPv4 address on network kind and not exactly one network with one (networks: a, b)");
    expect(() => nodeIpOf("", "n")).toThrow("docker inspect of n printed no JSON networks (nothing)");
  });

  it("copies kubeadm's etcd CA and healthcheck client pair out of the control-plane node, and gives etcd as its node-IP endpoint", () => {
    expect(dockerInspectArgs("c-control-plane")).toEqual(["inspect", "--format", "{{json .NetworkSettings.Networks}}", "c-control-plane"]);
    expect(dockerCopyArgs("c-control-plane", "/w/etcd")).toEqual([
      ["cp", "c-control-plane:/etc/kubernetes/pki/etcd/ca.crt", "/w/etcd/etcd-ca.crt"],
      ["cp", "c-control-plane:/etc/kubernetes/pki/etcd/healthcheck-client.crt", "/w/etcd/etcd-client.crt"],
      ["cp", "c-control-plane:/etc/kubernetes/pki/etcd/healthcheck-client.key", "/w/etcd/etcd-client.key"],
    ]);
    expect(kindEtcdAccess("172.18.0.2", "/w/etcd")).toEqual({ endpoints: ["https://172.18.0.2:2379"], caFile: "/w/etcd/etcd-ca.crt", certFile: "/w/etcd/etcd-client.crt", keyFile: "/w/etcd/etcd-client.key" });
  });

  it("prints a target the schema accepts, with etcd replaced and everything else as `secretproof target` prints it", () => {
    const etcd = kindEtcdAccess("172.18.0.2", "/w/etcd");
    const text = renderKindTarget("secretproof", "/state", etcd);
    expect(parseTarget(text, "target")).toEqual({ ...kindTarget("secretproof"), etcd });
    expect((parse(renderKindTarget("secretproof", "/state")) as { etcd: unknown }).etcd).toBe("kubeadm-static-pod");
  });
});

describe("copyKindEtcdCerts with a stand-in docker", () => {
  const tools = useFakeTools("secretproof-etcd-certs-", () => ({ docker: FAKE_DOCKER }));

  it("copies the three files, leaves the key readable by its owner only, and returns the node's endpoint", async () => {
    const dir = join(tools.dir(), "etcd");
    const access = await copyKindEtcdCerts("secretproof", dir, 10_000);
    expect(access.endpoints).toEqual(["https://172.18.0.2:2379"]);
    expect(await readFile(access.keyFile, "utf8")).toBe(`copied from secretproof-control-plane:${KUBEADM_ETCD_PKI.key}\n`);
    expect((await stat(access.keyFile)).mode & 0o777).toBe(0o600);
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
  });

  it("names the node and the command when the node is not there", async () => {
    await expect(copyKindEtcdCerts("gone", join(tools.dir(), "etcd"), 10_000)).rejects.toThrow(
      /^cannot read the kind node gone-control-plane of cluster gone \(is `secretproof up` done and docker running\?\): docker inspect .* gone-control-plane exited 1 .*\n.*No such object: gone-control-plane/s,
    );
  });

  it("says docker is missing when it is not on PATH", async () => {
    const saved = process.env.PATH;
    process.env.PATH = "/nonexistent";
    try {
      await expect(copyKindEtcdCerts("secretproof", join(tools.dir(), "etcd"), 10_000)).rejects.toThrow(/^cannot read the kind node secretproof-control-plane .*: docker not found on PATH/);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe("the e2e audit step's plan", () => {
  it("writes the target outside runs/, audits into runs/audit within twice the profile's audit share, then compares with the suites' bundle", () => {
    const plan = auditStepPlan(PROFILES.ci, { suitesDir: "runs/20261201-1", workDir: "/tmp/w" });
    expect(plan.target).toEqual(["bin/secretproof.js", "target", "--etcd-certs", "/tmp/w/etcd"]);
    expect(plan.audit).toEqual(["bin/secretproof.js", "audit", "--target", "/tmp/w/target.yaml", "--out", "runs/audit"]);
    expect(plan.compare("runs/audit/20261201-2")).toEqual(["bin/secretproof.js", "audit", "compare", "runs/20261201-1", "runs/audit/20261201-2"]);
    expect(plan.deadlineMs).toBe(30_000);
    expect(plan.describeDeadline).toBe("30.0s (twice the ci profile's target.audit 15s)");
    // the step's limit: node, the target (two waits.command), etcd's TCP check, the audit's deadline, verify, compare
    expect(cliBounds(PROFILES.ci).e2eAudit).toBe(5 * 120_000 + 5_000 + 30_000);
    expect([plan.connectMs, plan.describeConnect]).toEqual([5_000, "5s (the ci profile's waits.connect)"]);
  });

  it("verifies the audit's bundle with the stack's secrets (and its encryption key when the stack has one), with flags verify has", () => {
    const plan = auditStepPlan(PROFILES.ci, { suitesDir: "s", workDir: "/w" });
    const argv = plan.verify("runs/audit/a1", { secretsFile: "/state/secrets.json", encryptionKeyFile: "/state/encryption/encryption-config.yaml" });
    expect(argv).toEqual(["bin/secretproof.js", "verify", "runs/audit/a1", "--secrets-file", "/state/secrets.json", "--encryption-key-file", "/state/encryption/encryption-config.yaml"]);
    expect(plan.verify("runs/audit/a1", { secretsFile: "/state/secrets.json" })).toEqual(argv.slice(0, 5));
    const flags = buildCli().commands.find((c) => c.name() === "verify")!.options.map((o) => o.long);
    for (const f of argv.filter((a) => a.startsWith("--"))) expect(flags).toContain(f);
  });

  it("trusts verify's exit 0 and 1 (an audit leaves most claims unproven) and stops on 2 or a deadline, naming the command", () => {
    const argv = ["bin/secretproof.js", "verify", "runs/audit/a1", "--secrets-file", "/s/secrets.json"];
    expect([verifyExitProblem(0, null, argv, "2m"), verifyExitProblem(1, null, argv, "2m")]).toEqual([undefined, undefined]);
    expect(verifyExitProblem(2, null, argv, "2m (waits.command)")).toBe(
      "node bin/secretproof.js verify runs/audit/a1 --secrets-file /s/secrets.json exited 2: the audit bundle is not trusted (its manifest, a secret found in a file, or a verdict its judge does not re-derive; verify's findings are above)",
    );
    expect(verifyExitProblem(null, "SIGTERM", argv, "2m (waits.command)")).toMatch(/verify runs\/audit\/a1 .* was stopped \(SIGTERM\) after 2m \(waits\.command\): the audit bundle was not verified$/);
  });

  it("checks etcd's endpoint from the printed target and names the node and why an unrouted node IP fails", () => {
    const printed = renderKindTarget("secretproof", "/state", kindEtcdAccess("172.18.0.2", "/w/etcd"));
    expect(etcdEndpointOf(printed, "/w/target.yaml")).toEqual({ endpoint: "https://172.18.0.2:2379", host: "172.18.0.2", port: 2379 });
    expect(() => etcdEndpointOf(renderKindTarget("secretproof", "/state"), "/w/target.yaml")).toThrow('/w/target.yaml: target.etcd is "kubeadm-static-pod", not the endpoint and client files `target --etcd-certs` gives');
    const plan = auditStepPlan(PROFILES.ci, { suitesDir: "s", workDir: "/w" });
    const err = Object.assign(new Error("no TCP connection to 172.18.0.2:2379 within 5.0s"), { code: "ETIMEDOUT" });
    expect(etcdUnreachable("https://172.18.0.2:2379", "secretproof-control-plane", err, plan)).toBe(
      "etcd at https://172.18.0.2:2379 on kind node secretproof-control-plane is not reachable from this machine: ETIMEDOUT: no TCP connection to 172.18.0.2:2379 within 5.0s " +
        "(a TCP connection, bounded by 5s (the ci profile's waits.connect)); `target --etcd-certs` needs the node's IP routed to this machine, which holds where docker's bridge is local (Linux), not under Docker Desktop or Colima (docs/audit.md)",
    );
  });

  it("compares the one run directory the audit created, and stops on an audit that ended without a bundle", () => {
    expect(newRunDir(["old"], ["old", "new"], "runs/audit")).toBe("runs/audit/new");
    expect(() => newRunDir(["old"], ["old"], "runs/audit")).toThrow("expected the audit to create one run directory with a run.json under runs/audit, found none");
    const plan = auditStepPlan(PROFILES.ci, { suitesDir: "s", workDir: "/w" });
    expect([auditExitProblem(0, null, plan), auditExitProblem(1, null, plan)]).toEqual([undefined, undefined]);
    expect(auditExitProblem(null, "SIGTERM", plan)).toBe("node bin/secretproof.js audit --target /w/target.yaml --out runs/audit was stopped (SIGTERM) at its deadline 30.0s (twice the ci profile's target.audit 15s): no bundle to compare");
    expect(auditExitProblem(2, null, plan)).toMatch(/exited 2: the audit could not run/);
  });
});
