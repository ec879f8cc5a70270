import { describe, expect, it } from "vitest";
import { GraphStoppedError, graphProblems, runGraph, StepFailedError, topoOrder, type StepNode, type StepSpec } from "../../../harness/cluster/up/graph.ts";
import { UP_STEPS } from "../../../harness/cluster/up/steps.ts";
import { StepLog } from "../../../harness/core/log.ts";

const quietLog = () => new StepLog({ write: () => undefined });
/** Specs from graph nodes and a body per name. */
const withBodies = (nodes: StepNode[], bodies: Record<string, () => Promise<unknown>>): StepSpec[] =>
  nodes.map((n) => ({ ...n, what: "", run: () => bodies[n.name]!() }));
const deferred = () => {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
};

describe("the up step graph", () => {
  const deps = (name: string): Set<string> => {
    const s = UP_STEPS.find((x) => x.name === name)!;
    return new Set(s.deps.flatMap((d) => [d, ...deps(d)]));
  };

  it("is a DAG whose dependencies all exist", () => {
    expect(graphProblems(UP_STEPS)).toEqual([]);
    expect(topoOrder(UP_STEPS)).toHaveLength(UP_STEPS.length);
  });

  it("schedules nothing in the cluster before Cilium, the CNI", () => {
    // Loading an image onto the node or reading the kubelet's config needs no CNI; everything else that touches the cluster does.
    const offCluster = new Set(["state", "fixtures", "kind-cluster", "kubelet-config", "app-image", "app-image-load", "images-pull", "images-load", "cilium"]);
    for (const s of UP_STEPS.filter((x) => !offCluster.has(x.name))) expect(deps(s.name), s.name).toContain("cilium");
  });

  it("pulls the preloaded images while kind creates the cluster, and loads them before Vault's pods start", () => {
    expect([...deps("images-pull")]).toEqual([]);
    expect([...deps("images-load")]).toEqual(expect.arrayContaining(["kind-cluster", "images-pull"]));
    expect([...deps("vault")]).toContain("images-load");
  });

  it("configures Vault only after Vault and Postgres, and deploys the app only after that and the CSI driver", () => {
    expect([...deps("configure-vault")]).toEqual(expect.arrayContaining(["vault", "postgres"]));
    expect([...deps("app")]).toEqual(expect.arrayContaining(["configure-vault", "csi-driver", "app-image-load"]));
    expect(topoOrder(UP_STEPS).at(-1)).toBe("app-ready");
  });

  it("starts the app only after Tetragon and Falco, so Tetragon sees the app start rather than finding it in /proc", () => {
    expect([...deps("app")]).toEqual(expect.arrayContaining(["tetragon", "falco"]));
    const order = topoOrder(UP_STEPS);
    expect(order.indexOf("app")).toBeGreaterThan(order.indexOf("tetragon"));
    expect(order.indexOf("app")).toBeGreaterThan(order.indexOf("falco"));
  });

  it("applies the app's egress policy before the app starts, and ends up only once Cilium enforces it on the app's pods", () => {
    expect(UP_STEPS.find((s) => s.name === "app")?.deps).toContain("network");
    expect(UP_STEPS.find((s) => s.name === "network-enforcing")?.deps).toEqual(["network", "app"]);
    expect(UP_STEPS.find((s) => s.name === "app-ready")?.deps).toContain("network-enforcing");
    const order = topoOrder(UP_STEPS);
    expect(order.indexOf("network")).toBeLessThan(order.indexOf("app"));
    expect(order.indexOf("network-enforcing")).toBeLessThan(order.indexOf("app-ready"));
  });

  it("proves cluster DNS (after the CNI and Postgres) before Vault verifies its database connection by name", () => {
    expect([...deps("cluster-dns")]).toEqual(expect.arrayContaining(["cilium", "postgres"]));
    expect([...deps("configure-vault")]).toContain("cluster-dns");
  });

  it("checks the kubelet's resync period right after the cluster exists, before anything is installed on it", () => {
    expect(UP_STEPS.find((s) => s.name === "kubelet-config")?.deps).toEqual(["kind-cluster"]);
    expect([...deps("cilium")]).toContain("kubelet-config");
  });

  it("checks pg_hba after Postgres and before Vault connects, and the app's Vault login after configuring Vault and before the app", () => {
    expect([...deps("postgres-hba")]).toContain("postgres");
    expect([...deps("configure-vault")]).toContain("postgres-hba");
    expect([...deps("vault-login")]).toContain("configure-vault");
    expect([...deps("app")]).toContain("vault-login");
  });

  it("gives every step a body, a line on what it does, and a unique name", () => {
    for (const s of UP_STEPS) {
      expect(typeof s.run, s.name).toBe("function");
      expect(s.what.length, s.name).toBeGreaterThan(10);
    }
    expect(new Set(UP_STEPS.map((s) => s.name)).size).toBe(UP_STEPS.length);
  });

  it("runs each step's own body with the context it is given", async () => {
    const ctx = { seen: [] as string[] };
    const specs: StepSpec<typeof ctx>[] = [
      { name: "a", deps: [], what: "", run: async (c) => c.seen.push("a") },
      { name: "b", deps: ["a"], what: "", run: async (c) => c.seen.push("b") },
    ];
    await runGraph(specs, ctx, quietLog());
    expect(ctx.seen).toEqual(["a", "b"]);
  });

  it("rejects unknown dependencies and cycles", () => {
    const bad: StepNode[] = [
      { name: "a", deps: ["b"] },
      { name: "b", deps: ["a"] },
      { name: "c", deps: ["x"] },
    ];
    const problems = graphProblems(bad);
    expect(problems).toContain("c depends on unknown step x");
    expect(problems.some((p) => p.startsWith("cycle:"))).toBe(true);
  });
});

describe("runGraph", () => {
  it("runs independent steps in parallel and each after its dependencies", async () => {
    const gate = deferred();
    const events: string[] = [];
    const specs: StepNode[] = [
      { name: "root", deps: [] },
      { name: "left", deps: ["root"] },
      { name: "right", deps: ["root"] },
      { name: "join", deps: ["left", "right"] },
    ];
    const log = quietLog();
    await runGraph(
      withBodies(specs, {
        root: async () => events.push("root"),
        // left waits for right to start: only possible if both run at once.
        left: async () => {
          events.push("left:start");
          await gate.promise;
          events.push("left:end");
        },
        right: async () => {
          events.push("right");
          gate.resolve();
        },
        join: async () => events.push("join"),
      }),
      undefined,
      log,
    );
    expect(events).toEqual(["root", "left:start", "right", "left:end", "join"]);
    expect(log.timings.map((t) => t.name).sort()).toEqual(["join", "left", "right", "root"]);
  });

  it("names the failed step, never starts its dependents, and lets running steps finish", async () => {
    const ran: string[] = [];
    const specs: StepNode[] = [
      { name: "cilium", deps: [] },
      { name: "falco", deps: ["cilium"] },
      { name: "image", deps: [] },
    ];
    const err = await runGraph(
      withBodies(specs, {
        cilium: async () => {
          throw new Error("rollout timed out");
        },
        falco: async () => ran.push("falco"),
        image: async () => ran.push("image"),
      }),
      undefined,
      quietLog(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StepFailedError);
    expect((err as StepFailedError).step).toBe("cilium");
    expect((err as Error).message).toBe("step cilium failed: rollout timed out");
    expect(ran).toEqual(["image"]);
  });

  it("starts no further step once its signal aborts, lets the running one finish, and names the steps that never started", async () => {
    const gate = deferred();
    const helmStarted = deferred();
    const ran: string[] = [];
    const abort = new AbortController();
    const specs: StepNode[] = [
      { name: "helm", deps: [] },
      { name: "configure", deps: ["helm"] },
      { name: "app", deps: ["configure"] },
    ];
    const graph = runGraph(
      withBodies(specs, {
        helm: async () => {
          ran.push("helm:start");
          helmStarted.resolve();
          await gate.promise;
          ran.push("helm:end");
        },
        configure: async () => ran.push("configure"),
        app: async () => ran.push("app"),
      }),
      undefined,
      quietLog(),
      abort.signal,
    ).catch((e: unknown) => e);
    await helmStarted.promise;
    abort.abort(new Error("the setup passed waits.bringUp"));
    gate.resolve();
    const err = await graph;
    expect(ran).toEqual(["helm:start", "helm:end"]);
    expect(err).toBeInstanceOf(GraphStoppedError);
    expect((err as GraphStoppedError).notStarted).toEqual(["configure", "app"]);
    expect((err as Error).message).toBe("stopped before starting configure, app: the setup passed waits.bringUp");
  });

  it("runs every step when its signal never aborts", async () => {
    const ran: string[] = [];
    const specs: StepNode[] = [
      { name: "a", deps: [] },
      { name: "b", deps: ["a"] },
    ];
    await runGraph(withBodies(specs, { a: async () => ran.push("a"), b: async () => ran.push("b") }), undefined, quietLog(), new AbortController().signal);
    expect(ran).toEqual(["a", "b"]);
  });
});
