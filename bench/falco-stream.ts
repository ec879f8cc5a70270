import { createWriteStream } from "node:fs";
import type { AttemptRecord, PodIdentity } from "../harness/attack/attempt.ts";
import type { FalcoExpectation } from "../harness/attack/catalogue.ts";
import { POD as SAMPLE_POD } from "../suites/support/falco-samples.ts";

/**
 * A synthetic Falco stream in Falco's exact JSON form: mostly alerts of stock
 * rules from the whole cluster, interleaved log lines, and our own alerts,
 * some inside attempt windows and many outside (other pods, stale repeats).
 */
/** The same app pod the unit tier's Falco samples use. */
export const POD: PodIdentity = SAMPLE_POD;
export const READ = "SecretProof - Secret File Read";
export const EXPECT: FalcoExpectation = {
  fires: [{ rule: READ, cmdline: "cat /mnt/secrets/db-password", file: "/mnt/secrets/db-password" }],
  silent: ["SecretProof - Interactive Shell Spawned"],
};

export interface Plan {
  attempts: AttemptRecord[];
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function time(ms: number): string {
  const d = new Date(Math.floor(ms));
  const ns = Math.floor((ms % 1000) * 1e6);
  return `${d.toISOString().slice(0, 19)}.${String(ns).padStart(9, "0")}Z`;
}

function ours(ms: number, rule: string, cmdline: string, pod: string, file: string | null, priority = "Critical"): string {
  const t = time(ms);
  const fd = file === null ? "" : `"fd.name":${JSON.stringify(file)},`;
  return (
    `{"hostname":"secretproof-control-plane","output":"${t.slice(11, 29)}: ${priority} SECRETPROOF [READ] secret file opened (user=appuser proc=${cmdline.split(" ")[0]} cmdline=${cmdline} pod=${pod})","output_fields":` +
    `{"container.id":"${POD.containerId.slice(0, 12)}","container.image.repository":"docker.io/secretproof/secure-test-app","container.image.tag":"dev","container.name":"web","evt.time":${Math.floor(ms * 1e6)},${fd}"k8s.ns.name":"test-dynamic","k8s.pod.name":"${pod}","proc.cmdline":${JSON.stringify(cmdline)},"proc.name":"${cmdline.split(" ")[0]}","proc.pid":48211,"proc.pname":null,"proc.vpid":37,"user.name":"appuser","user.uid":10001},` +
    `"priority":"${priority}","rule":"${rule}","source":"syscall","tags":["T1552.001","filesystem","mitre_credential_access","secretproof"],"time":"${t}"}`
  );
}

const STOCK = ["Read sensitive file untrusted", "Terminal shell in container", "Contact K8S API Server From Container", "Drop and execute new binary in container"];

function foreign(ms: number, r: () => number): string {
  const t = time(ms);
  const rule = STOCK[Math.floor(r() * STOCK.length)] as string;
  const pid = Math.floor(r() * 90000) + 1000;
  return (
    `{"hostname":"secretproof-control-plane","output":"${t.slice(11, 29)}: Warning ${rule} (user=root user_loginuid=-1 process=kube-proxy proc_exepath=/usr/local/bin/kube-proxy parent=containerd-shim command=kube-proxy --config=/var/lib/kube-proxy/config.conf terminal=0 container_id=5f3c1e9a0b2d container_name=kube-proxy)","output_fields":` +
    `{"container.id":"5f3c1e9a0b2d","container.image.repository":"registry.k8s.io/kube-proxy","container.image.tag":"v1.35.8","container.name":"kube-proxy","evt.time":${Math.floor(ms * 1e6)},"evt.type":"openat","fd.name":"/etc/shadow","k8s.ns.name":"kube-system","k8s.pod.name":"kube-proxy-abcde","proc.cmdline":"kube-proxy --config=/var/lib/kube-proxy/config.conf","proc.exepath":"/usr/local/bin/kube-proxy","proc.pid":${pid},"proc.pname":"containerd-shim","user.loginuid":-1,"user.name":"root"},` +
    `"priority":"Warning","rule":"${rule}","source":"syscall","tags":["T1555","container","filesystem","host","maturity_stable","mitre_credential_access"],"time":"${t}"}`
  );
}

function attemptAt(i: number, startMs: number): AttemptRecord {
  return {
    id: `bench/cat-${i}`, attack: "cat", phase: "bench", pod: POD, command: ["cat", "/mnt/secrets/db-password"], tty: false,
    startedAt: new Date(startMs).toISOString(), endedAt: new Date(startMs + 300).toISOString(), startMs, endMs: startMs + 300,
    exitCode: 0, stdoutBytes: 20, stdout: "<redacted>", stderr: "", credentialRegistered: true, barrier: `secretproof-marker-bench-${i}`,
  };
}

/**
 * Writes `n` lines to `path`; one attempt window every `every` lines. Mix
 * "cluster": 85% stock-rule alerts, 5% log lines, the rest ours. Mix "ours":
 * every line is one of our alerts, the worst case for the judge.
 */
export async function generate(path: string, n: number, mix: "cluster" | "ours", every = 10_000, seed = 7): Promise<Plan> {
  const r = rng(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  const attempts: AttemptRecord[] = [];
  const t0 = Date.parse("2026-11-26T10:00:00Z");
  let buf: string[] = [];
  const flush = async () => {
    if (!out.write(buf.join("\n") + "\n")) await new Promise<void>((res) => out.once("drain", () => res()));
    buf = [];
  };
  for (let i = 0; i < n; i++) {
    const ms = t0 + i * 0.5;
    const slot = i % every;
    const k = Math.floor(i / every);
    if (slot === 0) attempts.push(attemptAt(k, ms));
    let line: string;
    if (slot > 0 && slot <= 5) line = ours(ms + 1, READ, "cat /mnt/secrets/db-password", POD.name, "/mnt/secrets/db-password");
    else if (slot === 1000) line = ours(ms, "SecretProof - Stream Liveness Marker", `true secretproof-marker-bench-${k}`, POD.name, null, "Notice");
    else {
      const x = mix === "ours" ? 0.05 + r() * 0.1 : r();
      if (x < 0.05) line = `Thu Nov 26 10:00:00 2026: Syscall event drop monitoring: - event drop detected: 0 occurrences`;
      else if (x < 0.15) line = ours(ms, READ, "cat /mnt/secrets/db-password", x < 0.1 ? "other-pod-1" : POD.name, "/mnt/secrets/db-password");
      else line = foreign(ms, r);
    }
    buf.push(line);
    if (buf.length >= 1000) await flush();
  }
  if (buf.length) await flush();
  await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
  return { attempts };
}
