import { VAULT_EXPIRATION_BUFFER_MS } from "./claims/dynamic-time.ts";
import { type Duration, toMs } from "./core/duration.ts";

/**
 * Every duration the suite uses, in one typed object. Renderers (Vault role,
 * CSI driver values) and waits read from here; nothing else hard-codes time.
 */
export interface Profile {
  name: ProfileName;
  vault: {
    /** default_ttl of the dynamic database role. */
    defaultTtl: Duration;
    /** max_ttl of the dynamic database role. */
    maxTtl: Duration;
    /** TTL of the Kubernetes auth token Vault hands the CSI provider. */
    authTokenTtl: Duration;
  };
  csi: {
    /** Secrets Store CSI driver rotationPollInterval. */
    rotationPollInterval: Duration;
  };
  waits: {
    /** Longest a single CLI call (kubectl, helm, etcdctl) may take. */
    command: Duration;
    /** `kind create cluster` (node image pull included). */
    clusterCreate: Duration;
    /** Interval between polls of cluster state (pods, nodes, CRDs, agents) while waiting. */
    poll: Duration;
    /** Interval between re-checks of what is already collected in memory (event streams, app probes, verdicts). */
    eventPoll: Duration;
    /** `docker build` of the app image. */
    imageBuild: Duration;
    /** One helm release to become ready. */
    helmRelease: Duration;
    /** A rollout (DaemonSet/Deployment/StatefulSet) to become ready. */
    rollout: Duration;
    /** The app to answer 200 with a dynamic identity. */
    appReady: Duration;
    /** An event stream (Falco, Tetragon) to prove it is live. */
    streamLive: Duration;
    /** A Falco alert to arrive after an attempt ends. */
    alertWait: Duration;
    /** A killed attempt to exit, and its Tetragon event to arrive. */
    killWait: Duration;
    /** A TracingPolicy to load and start enforcing. */
    policyEnforcing: Duration;
  };
  dynamic: {
    /** How long D2 watches the app for rotation. */
    rotationWindow: Duration;
    /** Interval between app probes during observation windows. */
    probeInterval: Duration;
    /** Extra time past a lease's expiry before a lingering role fails D3. */
    dropGrace: Duration;
    /** Allowed difference between pg rolvaliduntil and Vault expire_time. */
    expiryTolerance: Duration;
    /** default_ttl the component tier gives the role, short so TTL expiry is seen within seconds. */
    componentTtl: Duration;
  };
  local: {
    /** A server the local tier starts itself (PostgreSQL, the app) to accept connections. */
    serverStart: Duration;
    /** Interval between readiness probes of a local server. */
    pollInterval: Duration;
  };
  /** The e2e suites, after bring-up: their deadline and each test's timeout (harness/cluster/run-bound.ts bounds the whole run). */
  budget: Duration;
}

export type ProfileName = "ci" | "faithful";

const ci: Profile = {
  name: "ci",
  vault: { defaultTtl: "45s", maxTtl: "90s", authTokenTtl: "20m" },
  csi: { rotationPollInterval: "15s" },
  waits: {
    command: "2m",
    clusterCreate: "5m",
    poll: "2s",
    eventPoll: "250ms",
    imageBuild: "5m",
    helmRelease: "5m",
    rollout: "3m",
    appReady: "3m",
    streamLive: "60s",
    alertWait: "20s",
    killWait: "10s",
    policyEnforcing: "60s",
  },
  dynamic: { rotationWindow: "50s", probeInterval: "2s", dropGrace: "45s", expiryTolerance: "5s", componentTtl: "10s" },
  local: { serverStart: "30s", pollInterval: "100ms" },
  budget: "10m",
};

const faithful: Profile = {
  name: "faithful",
  vault: { defaultTtl: "5m", maxTtl: "15m", authTokenTtl: "1h" },
  csi: { rotationPollInterval: "2m" },
  waits: {
    command: "2m",
    clusterCreate: "10m",
    poll: "2s",
    eventPoll: "250ms",
    imageBuild: "10m",
    helmRelease: "10m",
    rollout: "5m",
    appReady: "5m",
    streamLive: "2m",
    alertWait: "60s",
    killWait: "30s",
    policyEnforcing: "2m",
  },
  dynamic: { rotationWindow: "5m", probeInterval: "5s", dropGrace: "2m", expiryTolerance: "5s", componentTtl: "10s" },
  local: { serverStart: "30s", pollInterval: "100ms" },
  budget: "45m",
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = { ci, faithful };

/** Picks the profile named by `name` (or SECRETPROOF_PROFILE, default "ci"). */
export function loadProfile(name: string | undefined = process.env.SECRETPROOF_PROFILE): Profile {
  const key = name ?? "ci";
  if (!(key in PROFILES)) {
    throw new Error(`unknown profile ${JSON.stringify(key)}: choose one of ${Object.keys(PROFILES).join(", ")}`);
  }
  return PROFILES[key as ProfileName];
}

/** Checks the relations the suites depend on; returns the problems found. */
export function profileProblems(p: Profile): string[] {
  const problems: string[] = [];
  const ms = (d: Duration) => toMs(d);
  if (ms(p.vault.defaultTtl) > ms(p.vault.maxTtl)) problems.push("vault.defaultTtl exceeds vault.maxTtl");
  if (ms(p.dynamic.rotationWindow) < 2 * ms(p.csi.rotationPollInterval)) {
    problems.push("dynamic.rotationWindow must cover at least two CSI rotation polls to see a second identity");
  }
  if (ms(p.dynamic.probeInterval) >= ms(p.csi.rotationPollInterval)) {
    problems.push("dynamic.probeInterval must be shorter than csi.rotationPollInterval or rotations are missed");
  }
  if (ms(p.vault.authTokenTtl) < ms(p.vault.maxTtl)) problems.push("vault.authTokenTtl is shorter than vault.maxTtl");
  // vitest's e2e testTimeout and hookTimeout are the budget: each test's own longest wait must fit in it.
  const longest = Math.max(
    ms(p.dynamic.rotationWindow) + ms(p.waits.command), // D2's observation window and its slack
    ms(p.vault.defaultTtl) + VAULT_EXPIRATION_BUFFER_MS + ms(p.dynamic.dropGrace), // D3: the last identity dropped
    ms(p.waits.streamLive) + ms(p.waits.alertWait) + ms(p.waits.policyEnforcing) + ms(p.waits.command), // T setup
  );
  if (longest >= ms(p.budget)) problems.push("budget (the e2e test timeout) does not cover the longest single e2e wait");
  for (const [k, v] of Object.entries(p.waits)) {
    if (ms(v) <= 0) problems.push(`waits.${k} must be positive`);
  }
  return problems;
}
