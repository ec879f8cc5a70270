import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import { judgeAppAnswer } from "../../../harness/cluster/up/judges/app-answer.ts";
import { bootstrapPhase } from "../../../harness/cluster/up/judges/postgres-bootstrap.ts";
import { vaultConfigState } from "../../../harness/cluster/up/judges/vault-config.ts";
import { renderVaultDefinitions } from "../../../fixtures/vault/definitions.ts";
import { PROFILES } from "../../../harness/profile.ts";
import { heldAsRendered } from "../../support/vault-answers.ts";
import { summarizePod } from "../../../harness/kube/pod-summary.ts";
import { parseForwardedPort } from "../../../harness/kube/port-forward.ts";

const pod = (init: V1Pod["status"]): V1Pod => ({ metadata: { name: "postgres-0" }, status: init });
const initRunning = { name: "bootstrap-password", ready: false, restartCount: 0, image: "", imageID: "", state: { running: {} } };
const initDone = { ...initRunning, state: { terminated: { exitCode: 0, reason: "Completed" } } };

describe("postgres-0 bootstrap phases", () => {
  it("streams the password only while the init container waits for it", () => {
    expect(bootstrapPhase(summarizePod(pod({ phase: "Pending", initContainerStatuses: [initRunning] })))).toBe("awaiting-password");
    expect(bootstrapPhase(summarizePod(pod({ phase: "Pending", initContainerStatuses: [initDone] })))).toBe("starting");
    const ready = pod({ phase: "Running", conditions: [{ type: "Ready", status: "True" }], initContainerStatuses: [initDone] });
    expect(bootstrapPhase(summarizePod(ready))).toBe("ready");
  });

  it("keeps waiting while the pod is missing, pulling, or being deleted", () => {
    expect(bootstrapPhase(undefined)).toBe("absent");
    const pulling = { ...initRunning, state: { waiting: { reason: "PodInitializing" } } };
    expect(bootstrapPhase(summarizePod(pod({ phase: "Pending", initContainerStatuses: [pulling] })))).toBe("absent");
    const deleting = summarizePod({ metadata: { name: "postgres-0", deletionTimestamp: new Date() }, status: { initContainerStatuses: [initRunning] } });
    expect(bootstrapPhase(deleting)).toBe("absent");
  });

  it("summarises container states for a wait's last observed state", () => {
    const s = summarizePod(pod({ phase: "Pending", initContainerStatuses: [initDone], containerStatuses: [{ ...initRunning, name: "postgres", state: { waiting: { reason: "CrashLoopBackOff" } }, restartCount: 3 }] }));
    expect(s.initContainers).toEqual([{ name: "bootstrap-password", ready: false, restartCount: 0, state: "terminated:Completed/0" }]);
    expect(s.containers[0]).toEqual({ name: "postgres", ready: false, restartCount: 3, state: "waiting:CrashLoopBackOff" });
  });
});

describe("the app answering through its Service", () => {
  it("is ready only on 200 with a Vault-issued v-… database user", () => {
    const ok = judgeAppAnswer(200, JSON.stringify({ db_user: "v-kubernet-secure-a-AbC123-1778273950", server_addr: "10.0.0.1" }));
    expect(ok).toEqual({ done: true, value: { dbUser: "v-kubernet-secure-a-AbC123-1778273950", status: 200 } });
  });

  it("is not ready on a 503, a static user, or HTML", () => {
    expect(judgeAppAnswer(503, '{"error":"credentials unavailable"}')).toEqual({ done: false, state: { status: 503, body: { error: "credentials unavailable" } } });
    expect(judgeAppAnswer(200, '{"db_user":"postgres"}').done).toBe(false);
    expect(judgeAppAnswer(200, "<!doctype html>").done).toBe(false);
  });
});

describe("Vault configuration state", () => {
  const defs = renderVaultDefinitions(PROFILES.ci);
  const held = heldAsRendered(defs);
  const all = { mounts: { "database/": {} }, auths: { "kubernetes/": {} }, connection: true, held };

  it("is configured only with the database engine and connection, Kubernetes auth, both roles and the policy, all as rendered", () => {
    expect(vaultConfigState(all, defs)).toEqual({ configured: true, missing: [], drift: [], hasConnection: true });
    expect(vaultConfigState({ mounts: { "secret/": {} }, auths: { "token/": {} }, connection: false, held: {} }, defs)).toEqual({
      configured: false,
      missing: ["secrets engine database/", "database connection", "database role", "ACL policy", "auth method kubernetes/", "kubernetes auth role"],
      drift: [],
      hasConnection: false,
    });
  });

  it("is not configured when a role Vault holds differs from the profile's (a reused cluster from another profile)", () => {
    const state = vaultConfigState({ ...all, held: { ...held, databaseRole: { ...held.databaseRole, default_ttl: 45 } } }, defs);
    expect(state).toMatchObject({ configured: false, missing: [], hasConnection: true });
    expect(state.drift).toEqual(["database/roles/secure-app-dynamic default_ttl (s): Vault holds 45, the profile renders 60"]);
  });

  it("keeps the admin password when Vault holds a connection (it may have rotated it)", () => {
    expect(vaultConfigState({ ...all, held: { ...held, kubernetesRole: undefined } }, defs)).toMatchObject({ configured: false, hasConnection: true });
  });
});

describe("kubectl port-forward", () => {
  it("reads the local port kubectl chose", () => {
    expect(parseForwardedPort("Forwarding from 127.0.0.1:41234 -> 8200\nForwarding from [::1]:41234 -> 8200\n")).toBe(41234);
    expect(parseForwardedPort("error: unable to forward port")).toBeUndefined();
  });
});
