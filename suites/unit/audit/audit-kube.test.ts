import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { READ_ONLY, type AuditMode } from "../../../harness/audit/access-plan.ts";
import { auditHandles, getOnly, kubectlVerb } from "../../../harness/audit/audit-kube.ts";
import type { PolicyKube } from "../../../harness/audit/policy-kube.ts";
import type { Kubectl } from "../../../harness/kube/kubectl.ts";

const ROOT = resolve(import.meta.dirname, "../../..");

/** A kubectl whose every call is recorded; json answers an empty list. */
function recordingKubectl(calls: string[]): Kubectl {
  const rec = (what: string) => (calls.push(what), Promise.reject(new Error(`${what} must not run here`)));
  return {
    context: "kind-test",
    run: (args) => rec(`run ${args.join(" ")}`),
    json: async <T>(args: readonly string[]) => (calls.push(`json ${args.join(" ")}`), { items: [] } as T),
    apply: () => rec("apply"),
    exec: (_ns, pod, cmd) => rec(`exec ${pod} ${cmd.join(" ")}`),
    rolloutStatus: () => rec("rollout"),
  };
}

const policyWriter = (made: string[]): (() => PolicyKube) => () => {
  made.push("policy writer");
  const refuse = () => Promise.reject(new Error("not in this test"));
  return { context: "kind-test", namespace: "payments", names: refuse, create: refuse, delete: refuse, find: refuse };
};

describe("the audit's handles: only --attack --apply-policy holds one that writes policies", () => {
  const MODES: [string, AuditMode][] = [["read-only", READ_ONLY], ["--attack", { attack: true, applyPolicy: false }], ["--apply-policy without --attack", { attack: false, applyPolicy: true }]];
  for (const [what, mode] of MODES) {
    it(`${what}: no policy writer is built, so nothing it runs can create or delete a policy`, () => {
      const made: string[] = [];
      const h = auditHandles(mode, { kubectl: () => recordingKubectl([]), policy: policyWriter(made) });
      expect(made).toEqual([]);
      expect(h.policy).toBeUndefined();
      expect(Object.keys(h).sort()).toEqual(mode.attack ? ["exec", "read"] : ["read"]);
    });
  }

  it("--attack --apply-policy: the policy writer is built, once", () => {
    const made: string[] = [];
    const h = auditHandles({ attack: true, applyPolicy: true }, { kubectl: () => recordingKubectl([]), policy: policyWriter(made) });
    expect(made).toEqual(["policy writer"]);
    expect(h.policy?.namespace).toBe("payments");
  });

  it("the read handle runs get and refuses every other verb before kubectl runs", async () => {
    const calls: string[] = [];
    const read = auditHandles(READ_ONLY, { kubectl: () => recordingKubectl(calls), policy: policyWriter([]) }).read;
    await read.json(["-n", "payments", "get", "tracingpoliciesnamespaced.cilium.io"]);
    for (const args of [["-n", "payments", "create", "-f", "-"], ["delete", "tracingpoliciesnamespaced.cilium.io", "p"], ["apply", "-f", "-"], ["-n", "payments", "patch", "deploy", "x"], []]) {
      await expect(read.json(args)).rejects.toThrow(/^the audit's read handle refused `kubectl --context kind-test .*`: only get is allowed, not /);
    }
    expect(calls).toEqual(["json -n payments get tracingpoliciesnamespaced.cilium.io"]);
  });

  it("reads the verb past flags and their values", () => {
    expect(kubectlVerb(["-n", "get", "delete"])).toBe("delete");
    expect(kubectlVerb(["--context", "c", "-l", "a=b", "get", "pods"])).toBe("get");
    expect(kubectlVerb(["--namespace=x", "get"])).toBe("get");
    expect(kubectlVerb([])).toBeUndefined();
    expect(getOnly(recordingKubectl([]))).not.toHaveProperty("run");
  });
});

/** Every project module `file` loads, transitively (relative imports; `import type` is erased, so not followed; dynamic imports are). */
function importClosure(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, "utf8");
  for (const m of text.matchAll(/(?:import|export)\s(?!type\s)[^;]*?from\s+"(\.{1,2}\/[^"]+)"|import\(\s*"(\.{1,2}\/[^"]+)"\s*\)/g)) {
    importClosure(resolve(dirname(file), (m[1] ?? m[2])!), seen);
  }
  return seen;
}

const rel = (f: string) => relative(ROOT, f);

describe("the policy writer is reachable from the --apply-policy path only", () => {
  it("the audit run's modules never load the policy writer or the apply path: the CLI hands it in only for --apply-policy", () => {
    const closure = [...importClosure(join(ROOT, "harness/audit/run-audit.ts"))].map(rel);
    expect(closure).toContain("harness/audit/agents-audit.ts");
    expect(closure).toContain("harness/audit/policy-step.ts");
    for (const f of ["harness/audit/policy-kube.ts", "harness/audit/apply-policy-run.ts", "harness/audit/policy-lifecycle.ts"]) expect(closure).not.toContain(f);
  });

  it("openPolicyKube, the only constructor of the writer, is called from the CLI's --apply-policy action alone", () => {
    const files = readdirSync(join(ROOT, "harness"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => join(ROOT, "harness", f));
    const callers = files.filter((f) => /openPolicyKube\(/.test(readFileSync(f, "utf8"))).map(rel);
    expect(callers.sort()).toEqual(["harness/audit/policy-cli.ts", "harness/audit/policy-kube.ts"]);
  });
});
