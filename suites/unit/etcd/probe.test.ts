import { describe, expect, it } from "vitest";
import type { ExecResult } from "../../../harness/core/exec.ts";
import { EtcdProbe, parseGetJson } from "../../../harness/etcd/probe.ts";
import { kindEtcdctl } from "../../../harness/etcd/runners.ts";

// Verbatim output of etcdctl 3.4.23 `get KEY -w json`, `--keys-only`, and a miss.
const GET =
  '{"header":{"cluster_id":324952591200643719,"member_id":3319814642761637952,"revision":2,"raft_term":2},"kvs":[{"key":"L3JlZ2lzdHJ5L3NlY3JldHMvbnMvYQ==","create_revision":2,"mod_revision":2,"version":1,"value":"azhzAAoLCgJ2MRIGU2VjcmV0EgD//go="}],"count":1}\n';
const KEYS_ONLY =
  '{"header":{"cluster_id":324952591200643719,"member_id":3319814642761637952,"revision":2,"raft_term":2},"kvs":[{"key":"L3JlZ2lzdHJ5L3NlY3JldHMvbnMvYQ==","create_revision":2,"mod_revision":2,"version":1}],"count":1}\n';
const MISS = '{"header":{"cluster_id":324952591200643719,"member_id":3319814642761637952,"revision":2,"raft_term":2}}\n';

function result(stdout: string, command = "etcdctl get"): ExecResult {
  return { command, exitCode: 0, stdout, stderr: "", startedAt: "", durationMs: 1 };
}

describe("etcdctl JSON parsing", () => {
  it("decodes base64 keys and binary values byte for byte", () => {
    const [kv] = parseGetJson(GET);
    expect(kv?.key).toBe("/registry/secrets/ns/a");
    expect(kv?.value?.toString("hex")).toBe("6b3873000a0b0a02763112065365637265741200fffe0a");
    expect([kv?.createRevision, kv?.modRevision, kv?.version]).toEqual([2, 2, 1]);
  });

  it("lists keys without values, and nothing for a miss", () => {
    expect(parseGetJson(KEYS_ONLY)).toEqual([{ key: "/registry/secrets/ns/a", createRevision: 2, modRevision: 2, version: 1 }]);
    expect(parseGetJson(MISS)).toEqual([]);
  });

  it("rejects output that is not a RangeResponse, or not base64", () => {
    expect(() => parseGetJson("Error: context deadline exceeded")).toThrow(/not JSON/);
    expect(() => parseGetJson('{"kvs":[]}')).toThrow(/no header/);
    expect(() => parseGetJson('{"header":{},"kvs":[{"key":"not base64!"}]}')).toThrow(/key is not standard base64/);
  });
});

describe("etcd probe", () => {
  it("asks etcdctl for JSON and names the command and target when the output is wrong", async () => {
    const seen: string[][] = [];
    const probe = new EtcdProbe(async (args) => {
      seen.push(args);
      return result(args.includes("--keys-only") ? KEYS_ONLY : args[1] === "/bad" ? "garbage" : GET, `etcdctl ${args.join(" ")}`);
    }, "test etcd");
    expect((await probe.get("/registry/secrets/ns/a"))?.value?.length).toBe(23);
    expect(await probe.keys("/registry/secrets/")).toEqual(["/registry/secrets/ns/a"]);
    expect((await probe.values("/registry/secrets/"))[0]?.value?.length).toBe(23);
    expect(seen).toEqual([
      ["get", "/registry/secrets/ns/a", "-w", "json"],
      ["get", "/registry/secrets/", "--prefix", "--keys-only", "-w", "json"],
      ["get", "/registry/secrets/", "--prefix", "-w", "json"],
    ]);
    await expect(probe.get("/bad")).rejects.toThrow(/etcdctl get \/bad -w json against test etcd: etcdctl JSON: not JSON/);
  });

  it("on kind, runs etcdctl in the etcd static pod with kubeadm's client certs, through the cluster's kubectl", async () => {
    const calls: { context: string; args: readonly string[] }[] = [];
    const kube = {
      context: "kind-secretproof",
      run: async (args: readonly string[]) => {
        calls.push({ context: "kind-secretproof", args });
        return result(MISS);
      },
    };
    const runner = kindEtcdctl({ kube, clusterName: "secretproof" });
    await new EtcdProbe(runner, "kind").get("/registry/secrets/x/y");
    expect(calls).toEqual([
      {
        context: "kind-secretproof",
        args: [
          "-n", "kube-system", "exec", "etcd-secretproof-control-plane", "--", "etcdctl",
          "--endpoints=https://127.0.0.1:2379",
          "--cacert=/etc/kubernetes/pki/etcd/ca.crt",
          "--cert=/etc/kubernetes/pki/etcd/server.crt",
          "--key=/etc/kubernetes/pki/etcd/server.key",
          "get", "/registry/secrets/x/y", "-w", "json",
        ],
      },
    ]);
  });
});
