import { randomBytes } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { stringify } from "yaml";
import type { ReleaseSpec } from "../../clusters/helm/releases.ts";
import { toSeconds } from "../../clusters/duration.ts";
import { run, type ExecResult } from "../core/exec.ts";
import { redactError, redactor } from "../evidence/redact.ts";
import { canonicalJson, releaseState, type DeployedRelease, type ReleaseState } from "./release-state.ts";

export interface Helm {
  readonly context: string;
  /** Every release in the cluster, failed and pending ones included. */
  list(): Promise<DeployedRelease[]>;
  /** The user-supplied values of a release, as JSON. */
  getValues(name: string, namespace: string): Promise<unknown>;
  /** What `ensure` would do for a release, without doing it. */
  state(spec: ReleaseSpec, releases?: DeployedRelease[]): Promise<ReleaseState>;
  /** Installs or upgrades unless the release is deployed at the pinned version with identical values. */
  ensure(spec: ReleaseSpec, opts: { timeoutMs: number }): Promise<ReleaseState>;
  status(name: string, namespace: string): Promise<string>;
}

export interface HelmOptions {
  context: string;
  commandMs: number;
  /** Private directory (mode 0700) for values files: some hold generated secrets. */
  scratchDir: string;
}

/** helm's JSON output; `helm get values` holds the release's secrets (Vault's root token), so a parse error is redacted. */
function parseJson<T>(r: ExecResult, empty: string): T {
  try {
    return JSON.parse(r.stdout || empty) as T;
  } catch (err) {
    throw new Error(`${r.command} did not print JSON (${r.stdout.length} bytes)`, { cause: redactError(err, redactor) });
  }
}

/** helm pinned to one kube context, installing charts straight from their repository URL at a pinned version. */
export function helm(o: HelmOptions): Helm {
  const ctx = ["--kube-context", o.context];
  /**
   * `helm rollback` to the previous revision, which leaves a deployed or a
   * failed revision on top (either lets the upgrade proceed). If the rollback
   * fails and the release is still pending, that is the error.
   */
  const unlock = async (spec: ReleaseSpec, timeoutMs: number) => {
    try {
      await run("helm", ["rollback", spec.name, "--namespace", spec.namespace, ...ctx], { timeoutMs });
    } catch (err) {
      const after = await h.state(spec);
      if (after.action === "rollback") throw new Error(`helm rollback ${spec.name} in ${spec.namespace} failed and the release is still pending: ${after.reason}`, { cause: err });
    }
  };
  const h: Helm = {
    context: o.context,
    async list() {
      const r = await run("helm", ["list", "--all-namespaces", "--all", "--output", "json", ...ctx], { timeoutMs: o.commandMs });
      return parseJson<DeployedRelease[]>(r, "[]");
    },
    async getValues(name, namespace) {
      const r = await run("helm", ["get", "values", name, "--namespace", namespace, "--output", "json", ...ctx], {
        timeoutMs: o.commandMs,
      });
      return parseJson<unknown>(r, "null");
    },
    async state(spec, releases) {
      const found = (releases ?? (await h.list())).find((r) => r.name === spec.name && r.namespace === spec.namespace);
      const values = found?.status === "deployed" ? await h.getValues(spec.name, spec.namespace) : undefined;
      return releaseState(spec, found, values);
    },
    async ensure(spec, { timeoutMs }) {
      const state = await h.state(spec);
      if (state.action === "skip") return state;
      if (state.action === "reinstall") {
        await run("helm", ["uninstall", spec.name, "--namespace", spec.namespace, "--wait", ...ctx], { timeoutMs });
      }
      if (state.action === "rollback") await unlock(spec, timeoutMs);
      const file = join(o.scratchDir, `${spec.name}-${randomBytes(4).toString("hex")}.values.yaml`);
      await writeFile(file, stringify(JSON.parse(canonicalJson(spec.values))), { mode: 0o600 });
      try {
        await run(
          "helm",
          [
            "upgrade", "--install", spec.name, spec.chart.chart,
            "--repo", spec.chart.repo, "--version", spec.chart.version,
            "--namespace", spec.namespace, "--create-namespace",
            "--values", file, "--wait", "--timeout", `${toSeconds(`${timeoutMs}ms`)}s`, ...ctx,
          ],
          { timeoutMs: timeoutMs + o.commandMs },
        );
      } finally {
        await rm(file, { force: true });
      }
      return state;
    },
    async status(name, namespace) {
      const r = await run("helm", ["status", name, "--namespace", namespace, ...ctx], { timeoutMs: o.commandMs, okExitCodes: [1] });
      return r.stdout || r.stderr;
    },
  };
  return h;
}
