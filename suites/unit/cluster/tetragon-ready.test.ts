import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { decideAppRestart, procScanDoneAt } from "../../../harness/cluster/up/judges/tetragon-scan.ts";
import { appStarts } from "../../../harness/cluster/up/probes/tetragon-ready.ts";
import { TETRAGON_CRDS } from "../../../harness/cluster/up/steps/stack.ts";
import { loadPolicy, POLICY_RESOURCE } from "../../../harness/tetragon/policy.ts";

// `kubectl logs --timestamps` of the agent container: the kubelet's RFC 3339 nanosecond stamp, then
// Tetragon's default slog text line (pkg/logger/slog.go: text format, no own timestamp).
const AGENT_LOG = [
  '2026-12-01T10:00:01.104221837Z level=info msg="Starting tetragon" version=v1.7.0',
  '2026-12-01T10:00:02.912000301Z level=info msg="Loaded sensor successfully" sensor=__base__',
  '2026-12-01T10:00:03.407715022Z level=info msg="Read ProcFS /procRoot appended 214/216 entries"',
  '2026-12-01T10:00:03.611002003Z level=info msg="Listening for events..."',
].join("\n");

const pod = (name: string, startedAt?: string, deleting = false): V1Pod => ({
  metadata: { name, ...(deleting ? { deletionTimestamp: new Date("2026-12-01T10:05:00Z") } : {}) },
  status: {
    containerStatuses: [
      {
        name: "web",
        ready: Boolean(startedAt),
        restartCount: 0,
        image: "",
        imageID: "",
        state: startedAt ? { running: { startedAt: new Date(startedAt) } } : { waiting: { reason: "ContainerCreating" } },
      },
    ],
  },
});

describe("when Tetragon's agent learned the running processes from /proc", () => {
  it("is the stamp of the agent's 'Read ProcFS … appended' line", () => {
    expect(procScanDoneAt(AGENT_LOG)).toBe("2026-12-01T10:00:03.407715022Z");
  });

  it("is unknown while the agent has not finished the scan", () => {
    expect(procScanDoneAt(AGENT_LOG.split("\n").slice(0, 2).join("\n"))).toBeUndefined();
    expect(procScanDoneAt("")).toBeUndefined();
  });

  it("reads the JSON log format too", () => {
    const json = '2026-12-01T10:00:03.407715022Z {"level":"info","msg":"Read ProcFS /procRoot appended 9/9 entries"}';
    expect(procScanDoneAt(json)).toBe("2026-12-01T10:00:03.407715022Z");
  });

  it("reads the text-ts and json-ts formats, which add Tetragon's own time field", () => {
    const textTs = '2026-12-01T10:00:03.407715022Z time=2026-12-01T10:00:03Z level=info msg="Read ProcFS /procRoot appended 9/9 entries"';
    const jsonTs = '2026-12-01T10:00:03.407715022Z {"time":"2026-12-01T10:00:03Z","level":"info","msg":"Read ProcFS /procRoot appended 9/9 entries"}';
    expect(procScanDoneAt(textTs)).toBe("2026-12-01T10:00:03.407715022Z");
    expect(procScanDoneAt(jsonTs)).toBe("2026-12-01T10:00:03.407715022Z");
  });
});

describe("an app that started before Tetragon's /proc scan is restarted", () => {
  const scan = "2026-12-01T10:00:03.407715022Z";

  it("keeps an app that started after the scan (the exec sensor saw it start, with its namespace PID 1)", () => {
    const d = decideAppRestart(scan, appStarts([pod("secure-test-app-1", "2026-12-01T10:00:04Z")]));
    expect(d.restart).toBe(false);
    expect(d.reason).toMatch(/started after Tetragon's \/proc scan/);
  });

  it("restarts an app that started before the agent (re)started, naming the pod and both times", () => {
    const d = decideAppRestart(scan, appStarts([pod("secure-test-app-1", "2026-12-01T09:12:00Z")]));
    expect(d.restart).toBe(true);
    expect(d.reason).toContain("secure-test-app-1 (started 2026-12-01T09:12:00.000Z)");
    expect(d.reason).toContain(scan);
    expect(d.reason).toMatch(/NotIn \[1\] would kill it/);
  });

  it("counts a start in the same second as the scan as before it (start times have whole seconds)", () => {
    expect(decideAppRestart(scan, appStarts([pod("a", "2026-12-01T10:00:03Z")])).restart).toBe(true);
  });

  it("restarts when any live pod is early or not running, and ignores terminating pods", () => {
    expect(decideAppRestart(scan, appStarts([pod("new", "2026-12-01T10:01:00Z"), pod("old", "2026-12-01T09:00:00Z")])).restart).toBe(true);
    expect(decideAppRestart(scan, appStarts([pod("new", "2026-12-01T10:01:00Z"), pod("old", "2026-12-01T09:00:00Z", true)])).restart).toBe(false);
    expect(decideAppRestart(scan, appStarts([pod("pending")])).restart).toBe(true);
  });

  it("has nothing to restart when no app pod exists", () => {
    expect(decideAppRestart(scan, [])).toEqual({ restart: false, reason: "no app pod runs yet" });
  });
});

describe("the TracingPolicy CRDs bring-up waits for", () => {
  it("include the namespaced one the enforcement suite applies its policy as", () => {
    expect(loadPolicy().kind).toBe("TracingPolicyNamespaced");
    expect(POLICY_RESOURCE).toBe("tracingpoliciesnamespaced.cilium.io");
    expect(TETRAGON_CRDS).toContain(POLICY_RESOURCE);
  });
});
