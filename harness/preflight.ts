import { access } from "node:fs/promises";
import { execa } from "execa";
import { versions } from "../clusters/versions.ts";
import { toMs } from "../clusters/duration.ts";
import { findPgBindir, findPython } from "./core/locate.ts";
import { which } from "./core/exec.ts";
import { DOCKER_NODE, OFFLINE_NODE, nodeVerdict, type NodeFloor } from "./preflight-node.ts";
import { loadProfile } from "./profile.ts";
import { engineChecks } from "./engine/collect.ts";

export type Tier = "unit" | "local" | "component" | "e2e";

export interface CheckResult {
  name: string;
  ok: boolean;
  /** Version or location found, when ok. */
  found?: string;
  /** What is wrong, when not ok. */
  problem?: string;
  /** How to get it, when not ok. */
  fix?: string;
}

/** The I/O preflight needs, injectable so the report logic is testable. */
export interface PreflightEnv {
  platform: NodeJS.Platform;
  /** Runs a command (within the profile's waits.command unless timeoutMs says otherwise); resolves with exit code and output, never throws. */
  run(file: string, args: string[], opts?: { timeoutMs?: number }): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  exists(path: string): Promise<boolean>;
  which(file: string): Promise<string | undefined>;
  findPgBindir(): Promise<string | undefined>;
  findPython(): Promise<string | undefined>;
  nodeVersion: string;
}

export const realPreflightEnv: PreflightEnv = {
  platform: process.platform,
  async run(file, args, opts) {
    const r = await execa(file, args, { reject: false, timeout: opts?.timeoutMs ?? toMs(loadProfile().waits.command) });
    return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
  },
  async exists(path) {
    try {
      await access(path);
      return true;
    } catch {
      return false;
    }
  },
  which,
  findPgBindir: () => findPgBindir(),
  findPython: () => findPython(),
  nodeVersion: process.versions.node,
};

type Check = (env: PreflightEnv) => Promise<CheckResult | CheckResult[]>;

function firstLine(s: string): string {
  return s.trim().split("\n")[0] ?? "";
}

/**
 * The first vX.Y.Z a `version` command printed: `kind v0.33.0 go… linux/amd64`
 * (kind pkg/cmd/kind/version/version.go DisplayVersion), `v3.21.3+g…` (helm
 * v3.21.3 cmd/helm/version.go:94-98), `Client Version: v1.35.8` (kubectl).
 */
function printedVersion(out: string): string | undefined {
  return /\bv\d+\.\d+\.\d+\b/.exec(out)?.[0];
}

/** A CLI on PATH that answers `args`; with `pinned`, it must print exactly that version. */
const cli =
  (name: string, args: string[], fix: string, pinned?: string): Check =>
  async (env) => {
    const path = await env.which(name);
    if (!path) return { name, ok: false, problem: `${name} is not on PATH`, fix };
    const r = await env.run(name, args);
    if (r.exitCode !== 0) {
      return { name, ok: false, problem: `${name} ${args.join(" ")} failed: ${firstLine(r.stderr)}`, fix };
    }
    const found = firstLine(r.stdout) || path;
    if (pinned && printedVersion(r.stdout) !== pinned) {
      return { name, ok: false, problem: `${path} is ${found}, not the pinned ${pinned} (clusters/versions.ts)`, fix };
    }
    return { name, ok: true, found: `${found} (${path})` };
  };

const TOOLS_FIX = "npx secretproof tools install (the pinned kind, kubectl and helm, sha256-verified, first on the harness's PATH)";

const docker: Check = async (env) => {
  const name = "Docker daemon";
  const fix =
    "install Docker (https://docs.docker.com/engine/install/) and start the daemon; `docker info` must succeed for this user";
  if (!(await env.which("docker"))) return { name, ok: false, problem: "the docker CLI is not on PATH", fix };
  const r = await env.run("docker", ["info", "--format", "{{.ServerVersion}}"]);
  if (r.exitCode !== 0 || !r.stdout.trim()) {
    const why = firstLine(r.stderr) || "docker info returned no server version";
    return { name, ok: false, problem: `Docker daemon not reachable: ${why}`, fix };
  }
  return { name, ok: true, found: `server ${r.stdout.trim()}` };
};

/**
 * The kernel kind, Tetragon and Falco run on is the container engine's: the
 * host's on Linux with a native engine, a VM's under Docker Desktop, Colima,
 * OrbStack, Rancher Desktop or WSL 2. harness/engine/ probes it from inside the
 * pinned kind node image and judges BTF, the kernel version and config,
 * cgroup v2, memory and CPUs (docs/platforms.md).
 */
const engine: Check = (env) => {
  const { waits } = loadProfile();
  return engineChecks({ ...env, budgetMs: toMs(waits.command), pull: { budgetMs: toMs(waits.clusterCreate), intervalMs: toMs(waits.poll) } });
};

const node =
  (floor: NodeFloor): Check =>
  async (env) => {
    const v = nodeVerdict(env.nodeVersion, floor);
    return v.ok ? { name: "Node.js", ok: true, found: `v${env.nodeVersion} (>= ${floor.version})` } : { name: "Node.js", ...v };
  };

const postgres: Check = async (env) => {
  const name = "PostgreSQL server binaries";
  const dir = await env.findPgBindir();
  if (dir) return { name, ok: true, found: dir };
  return {
    name,
    ok: false,
    problem: "initdb/pg_ctl not found ($SECRETPROOF_PG_BINDIR, /usr/lib/postgresql/*/bin, pg_config, PATH)",
    fix: "apt-get install postgresql-15 (Debian/Ubuntu) or brew install postgresql@15, or set SECRETPROOF_PG_BINDIR",
  };
};

const python: Check = async (env) => {
  const name = "python3 with flask and psycopg2";
  const py = await env.findPython();
  if (py) return { name, ok: true, found: py };
  return {
    name,
    ok: false,
    problem: "no python3 on PATH (or $SECRETPROOF_PYTHON, /usr/bin/python3) imports flask and psycopg2",
    fix: "apt-get install python3-flask python3-psycopg2, or pip install flask psycopg2-binary and set SECRETPROOF_PYTHON",
  };
};

const ETCD_FIX = "apt-get install etcd-server etcd-client (Debian/Ubuntu) or brew install etcd";

const CHECKS: Record<Tier, Check[]> = {
  unit: [node(OFFLINE_NODE)],
  local: [
    node(OFFLINE_NODE),
    postgres,
    cli("etcd", ["--version"], ETCD_FIX),
    cli("etcdctl", ["version"], ETCD_FIX),
    python,
  ],
  component: [node(DOCKER_NODE), docker],
  e2e: [
    node(DOCKER_NODE),
    docker,
    cli("kind", ["version"], TOOLS_FIX, versions.kind.cli),
    cli("kubectl", ["version", "--client"], TOOLS_FIX, versions.kubectl.cli),
    cli("helm", ["version", "--short"], TOOLS_FIX, versions.helm.cli),
    engine,
  ],
};

export interface PreflightReport {
  tier: Tier;
  ok: boolean;
  results: CheckResult[];
}

export async function preflight(tier: Tier, env: PreflightEnv = realPreflightEnv): Promise<PreflightReport> {
  const results = (await Promise.all(CHECKS[tier].map((c) => c(env)))).flat();
  return { tier, ok: results.every((r) => r.ok), results };
}

export function formatPreflight(r: PreflightReport): string {
  const lines = [`preflight for the ${r.tier} tier:`];
  for (const c of r.results) {
    lines.push(c.ok ? `  ok       ${c.name}: ${c.found ?? ""}` : `  MISSING  ${c.name}: ${c.problem}\n           fix: ${c.fix}`);
  }
  const missing = r.results.filter((c) => !c.ok).map((c) => c.name);
  lines.push(r.ok ? "all prerequisites present" : `missing: ${missing.join(", ")}`);
  return lines.join("\n");
}

/** Throws an error naming every missing prerequisite; used by tier setup. */
export async function requireTier(tier: Tier, env: PreflightEnv = realPreflightEnv): Promise<PreflightReport> {
  const r = await preflight(tier, env);
  if (!r.ok) throw new Error(`the ${tier} tier cannot run here.\n${formatPreflight(r)}`);
  return r;
}
