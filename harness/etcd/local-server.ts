import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toMs } from "../../clusters/duration.ts";
import { PermanentError, tail } from "../core/errors.ts";
import { run } from "../core/exec.ts";
import { waitFor } from "../core/wait.ts";
import type { Profile } from "../profile.ts";
import type { EtcdProbe } from "./probe.ts";
import { localProbe } from "./runners.ts";

/** A throwaway single-member etcd on 127.0.0.1, owned by the current user. */
export interface LocalEtcd {
  /** Client URL, e.g. http://127.0.0.1:41234 (https:// when started with TLS). */
  readonly endpoint: string;
  readonly dataDir: string;
  /** A read-only probe against this etcd. */
  readonly probe: EtcdProbe;
  /** Writes arbitrary bytes at `key` (etcdctl put reads the value from stdin). */
  put(key: string, value: Buffer): Promise<void>;
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** PEM files for an etcd serving its client URL over TLS and requiring client certificates. */
export interface LocalEtcdTls {
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  /** A client certificate the CA signed, for etcdctl's own calls (health, put). */
  clientCertFile: string;
  clientKeyFile: string;
}

function tlsArgs(tls?: LocalEtcdTls): string[] {
  if (!tls) return [];
  return [`--cert-file=${tls.serverCertFile}`, `--key-file=${tls.serverKeyFile}`, "--client-cert-auth", `--trusted-ca-file=${tls.caFile}`];
}

function etcdctlTls(tls?: LocalEtcdTls): string[] {
  return tls ? [`--cacert=${tls.caFile}`, `--cert=${tls.clientCertFile}`, `--key=${tls.clientKeyFile}`] : [];
}

function etcdArgs(dataDir: string, client: string, peer: string): string[] {
  return [
    "--name=secretproof",
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=secretproof=${peer}`,
    "--log-level=warn",
  ];
}

async function stopProcess(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Starts etcd on free loopback ports with a temp data dir; resolves once `etcdctl endpoint health` is OK. */
export async function startLocalEtcd(profile: Profile, opts: { tls?: LocalEtcdTls } = {}): Promise<LocalEtcd> {
  const commandMs = toMs(profile.waits.command);
  const dataDir = await mkdtemp(join(tmpdir(), "secretproof-etcd-"));
  const endpoint = `${opts.tls ? "https" : "http"}://127.0.0.1:${await freePort()}`;
  const ctl = [`--endpoints=${endpoint}`, ...etcdctlTls(opts.tls)];
  const child = spawn("etcd", [...etcdArgs(dataDir, endpoint, `http://127.0.0.1:${await freePort()}`), ...tlsArgs(opts.tls)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => (log = (log + chunk.toString("utf8")).slice(-20_000));
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let spawnError: Error | undefined;
  child.once("error", (err) => (spawnError = err));
  const stop = async () => {
    await stopProcess(child, toMs(profile.local.serverStart));
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      `local etcd at ${endpoint} to report healthy`,
      async () => {
        if (spawnError) throw new PermanentError(`could not start etcd: ${spawnError.message}`, { cause: spawnError });
        if (child.exitCode !== null) throw new PermanentError(`etcd exited ${child.exitCode}; log:\n${tail(log)}`);
        const r = await run("etcdctl", [...ctl, "endpoint", "health"], {
          timeoutMs: commandMs,
          env: { ETCDCTL_API: "3" },
          okExitCodes: [1],
        });
        return r.exitCode === 0 ? { done: true, value: undefined } : { done: false, state: (r.stderr || r.stdout).trim() };
      },
      { timeoutMs: toMs(profile.local.serverStart), intervalMs: toMs(profile.local.pollInterval) },
    );
  } catch (err) {
    await stop();
    throw new Error(`starting etcd (data dir ${dataDir}) failed; etcd log:\n${tail(log) || "(empty)"}`, { cause: err });
  }
  return {
    endpoint,
    dataDir,
    probe: localProbe(endpoint, commandMs, etcdctlTls(opts.tls)),
    async put(key, value) {
      await run("etcdctl", [...ctl, "put", key], { timeoutMs: commandMs, input: value, env: { ETCDCTL_API: "3" } });
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
