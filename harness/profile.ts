import { remountModel, secs, type RemountModel } from "./app/rotation-cadence.ts";
import { VAULT_EXPIRATION_BUFFER_MS } from "./vault/expiration.ts";
import { type Duration, formatMs, toMs } from "../clusters/duration.ts";
import { FALCO_DROP_CHECK_INTERVAL_MS } from "./falco/drop-config.ts";
import { TETRAGON_EVENT_CACHE_MAX_DELAY_MS, TETRAGON_EVENT_CACHE_RETRIES, TETRAGON_EVENT_CACHE_RETRY_DELAY_MS } from "./tetragon/event-cache.ts";

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
    /**
     * TTL of the Kubernetes auth token Vault hands the CSI provider. The
     * provider keeps it per pod and never renews it; when it ends, Vault
     * revokes every credential issued under it, the mounted one included.
     */
    authTokenTtl: Duration;
    /** Lease time a credential must still have left when the app last uses it (kubelet and Vault delays nobody models). */
    leaseMargin: Duration;
  };
  csi: {
    /** kubelet syncFrequency (a KubeletConfiguration patch in the kind config): each pod resync republishes the CSI volume. */
    syncFrequency: Duration;
    /** Secrets Store CSI driver rotationPollInterval: since v1.6.0 only the least time between two rotations of a mount. */
    rotationPollInterval: Duration;
    /** Longest one republish takes: the provider's Vault login and credential issue, and the atomic write. */
    publishTime: Duration;
  };
  waits: {
    /** Longest a single CLI call (kubectl, helm, etcdctl) may take. */
    command: Duration;
    /** `kind create cluster` (node image pull included). */
    clusterCreate: Duration;
    /** Interval between polls of cluster state (pods, nodes, CRDs, agents) while waiting. */
    poll: Duration;
    /**
     * A TCP connection this machine opens straight to a server of the
     * cluster (etcd's client URL) to be established. A routable server
     * answers the SYN in milliseconds; an unroutable address never does, and
     * an idle timeout of waits.command would outlast the audit's deadline.
     */
    connect: Duration;
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
    /** A TracingPolicy to load and start enforcing; the app's egress CiliumNetworkPolicy to be enforced on its pods. */
    policyEnforcing: Duration;
    /**
     * The exfiltration attempt's own connect timeout (N1, the catalogue's
     * exfil-python): how long python3 waits for the sink before giving up
     * on a dropped SYN. The attempt's exec (waits.command) must outlast it.
     */
    exfilConnect: Duration;
    /**
     * N1's collection, run in the background from the end of bring-up: its
     * deadline, after which it starts no further command. The detection
     * suite waits for it to end (this plus waits.command) before opening its
     * attack session, since N1's python3 in the app pod raises a Falco alert.
     */
    networkCollection: Duration;
    /**
     * How long after the last spared attempt T1 waits before its re-check
     * barrier: Tetragon's event cache may hold a SIGKILL event back 15 × 2 s
     * (harness/tetragon/event-cache.ts), plus a margin for the export and the
     * log stream.
     */
    tetragonEventDelay: Duration;
    /**
     * How long after a batch's last marker exec its closing marker exec
     * starts: longer than Falco's drop check interval (1 s:
     * harness/falco/drop-config.ts), so Falco checks its drop counters at or
     * before the closing marker, and that marker's alert then follows any
     * drop alert up to the last attempt.
     */
    falcoDropCheck: Duration;
    /**
     * The e2e setup as a whole (preflight, `up`, the sweep of leftovers): its
     * deadline, after which the steps still running are named and the run
     * fails. Each step's own waits above fire first when they are shorter.
     */
    bringUp: Duration;
  };
  attribution: {
    /**
     * Largest node-minus-harness clock offset the attack suites accept. Event
     * times (node clock) are matched to attempt windows (this machine's clock);
     * kind shares the host's clock, so a larger offset means the cluster runs
     * elsewhere, and windows widened by it would reach neighbouring attempts.
     */
    clockOffsetLimit: Duration;
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
    /** Longest from the app reading the mounted files to Postgres checking its login (the app's DB_CONNECT_TIMEOUT, fixtures/app/app.py). */
    appRead: Duration;
  };
  local: {
    /** A server the local tier starts itself (PostgreSQL, the app) to accept connections. */
    serverStart: Duration;
    /** Interval between readiness probes of a local server. */
    pollInterval: Duration;
  };
  audit: {
    /** How long `secretproof audit` observes the role's leases, pg_roles and the workload's pods (when the target lets it). */
    window: Duration;
  };
  /** The e2e suites, after bring-up: their deadline and each test's timeout (harness/cluster/run/run-bound.ts bounds the whole run). */
  budget: Duration;
  /**
   * What the whole e2e job should take on a GitHub-hosted runner, and its
   * split: the job's steps before `npm test` (checkout, npm ci, tools,
   * preflight), bring-up, the suites, the audit of the same cluster
   * compared with the suites, and what follows (report, verify, upload).
   * harness/perf/model.ts checks its figures against each share; the
   * deadlines derive from it: waits.bringUp, budget and the audit's are each
   * twice their share.
   */
  target: { job: Duration; prep: Duration; bringUp: Duration; suites: Duration; audit: Duration; wrapUp: Duration };
}

export type ProfileName = "ci" | "faithful";

/**
 * Minutes, not hours: kubelet resync 10s, so the mount is rewritten at most
 * 26s apart and a credential is replaced within 31s of its issue; its 60s
 * lease leaves 15s of margin after the app's 5s read. The 24h auth token
 * outlives a day of runs against one reused cluster.
 */
const ci: Profile = {
  name: "ci",
  vault: { defaultTtl: "60s", maxTtl: "120s", authTokenTtl: "24h", leaseMargin: "15s" },
  csi: { syncFrequency: "10s", rotationPollInterval: "5s", publishTime: "5s" },
  waits: {
    command: "2m",
    clusterCreate: "5m",
    poll: "2s",
    connect: "5s",
    eventPoll: "250ms",
    imageBuild: "5m",
    helmRelease: "5m",
    rollout: "3m",
    appReady: "3m",
    streamLive: "60s",
    alertWait: "20s",
    killWait: "10s",
    policyEnforcing: "60s",
    exfilConnect: "5s",
    networkCollection: "2m",
    tetragonEventDelay: "35s",
    falcoDropCheck: "1500ms",
    bringUp: "9m40s",
  },
  attribution: { clockOffsetLimit: "500ms" },
  dynamic: { rotationWindow: "50s", probeInterval: "2s", dropGrace: "45s", expiryTolerance: "5s", componentTtl: "10s", appRead: "5s" },
  local: { serverStart: "30s", pollInterval: "100ms" },
  audit: { window: "5s" },
  budget: "7m50s",
  target: { job: "10m", prep: "45s", bringUp: "4m50s", suites: "3m55s", audit: "15s", wrapUp: "15s" },
};

/**
 * The articles' 5m/15m TTLs and 1h auth token with every upstream default:
 * kubelet syncFrequency 1m, the driver's 2m rotationPollInterval.
 */
const faithful: Profile = {
  name: "faithful",
  vault: { defaultTtl: "5m", maxTtl: "15m", authTokenTtl: "1h", leaseMargin: "30s" },
  csi: { syncFrequency: "1m", rotationPollInterval: "2m", publishTime: "5s" },
  waits: {
    command: "2m",
    clusterCreate: "10m",
    poll: "2s",
    connect: "5s",
    eventPoll: "250ms",
    imageBuild: "10m",
    helmRelease: "10m",
    rollout: "5m",
    appReady: "5m",
    streamLive: "2m",
    alertWait: "60s",
    killWait: "30s",
    policyEnforcing: "2m",
    exfilConnect: "5s",
    networkCollection: "3m",
    tetragonEventDelay: "45s",
    falcoDropCheck: "1500ms",
    bringUp: "30m",
  },
  attribution: { clockOffsetLimit: "500ms" },
  dynamic: { rotationWindow: "5m", probeInterval: "5s", dropGrace: "2m", expiryTolerance: "5s", componentTtl: "10s", appRead: "5s" },
  local: { serverStart: "30s", pollInterval: "100ms" },
  audit: { window: "5m" },
  budget: "45m",
  target: { job: "45m10s", prep: "1m", bringUp: "15m", suites: "22m30s", audit: "5m10s", wrapUp: "1m30s" },
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

/** The real CSI remount period this profile gives (kubelet resync, driver minimum, publish time). */
export function remountModelOf(p: Pick<Profile, "csi">): RemountModel {
  return remountModel({
    syncFrequencyMs: toMs(p.csi.syncFrequency),
    rotationPollIntervalMs: toMs(p.csi.rotationPollInterval),
    publishMs: toMs(p.csi.publishTime),
  });
}

/** Longest the app pod lives in one run: created by bring-up, it sees its rollout, the app-ready wait, the suites and their cancel grace. */
export function appPodLifetimeMs(p: Profile): number {
  return toMs(p.waits.rollout) + toMs(p.waits.appReady) + toMs(p.budget) + toMs(p.waits.command);
}

/** The relations between the remount period, the lease, the D2 window and the provider's token. */
function rotationProblems(p: Profile): string[] {
  const problems: string[] = [];
  const ms = (d: Duration) => toMs(d);
  const m = remountModelOf(p);
  // Vault caps default_ttl at max_ttl; nobody renews the lease, so it ends at issue + the smaller one.
  const ttl = Math.min(ms(p.vault.defaultTtl), ms(p.vault.maxTtl));
  const used = m.maxHeldMs + ms(p.dynamic.appRead);
  if (used + ms(p.vault.leaseMargin) > ttl) {
    problems.push(
      `a credential can outlive its lease: it stays mounted up to ${secs(m.maxHeldMs)} after Vault issues it ` +
        `(${secs(m.publishMs)} to write it, then up to ${secs(m.maxGapMs)} to the next write: ${m.basis}) ` +
        `and the app may use it ${p.dynamic.appRead} later, which leaves less than vault.leaseMargin ${p.vault.leaseMargin} of its ${secs(ttl)} lease`,
    );
  }
  if (ms(p.dynamic.rotationWindow) < m.maxGapMs + ms(p.dynamic.probeInterval)) {
    problems.push(
      `dynamic.rotationWindow ${p.dynamic.rotationWindow} cannot see two identities: a remount can take ${secs(m.maxGapMs)} (${m.basis}) plus a probe interval`,
    );
  }
  if (ms(p.dynamic.probeInterval) >= ms(p.csi.rotationPollInterval)) {
    problems.push(
      `dynamic.probeInterval ${p.dynamic.probeInterval} is not shorter than csi.rotationPollInterval ${p.csi.rotationPollInterval}, the least time a credential stays mounted: ` +
        "a credential could rotate in and out between two looks. A shorter pause is needed but not enough, since each look's own time adds to it; " +
        "D2 records the measured spacing of its looks (dynamic/remount-cadence.json, looks)",
    );
  }
  if (ms(p.vault.authTokenTtl) <= appPodLifetimeMs(p)) {
    problems.push(
      `vault.authTokenTtl ${p.vault.authTokenTtl} ends while the app pod may still run (waits.rollout + waits.appReady + budget = ${secs(appPodLifetimeMs(p))}): ` +
        "the CSI provider never renews it, and Vault revokes the mounted credential with it",
    );
  }
  if (ms(p.vault.authTokenTtl) < ms(p.vault.maxTtl)) problems.push("vault.authTokenTtl is shorter than vault.maxTtl");
  return problems;
}

/**
 * The enforcement suite's setup (its beforeAll), wait by wait. A liveness
 * wait may start its last try just before it runs out, and that try's
 * barrier then waits for its marker too.
 */
export function enforcementSetupMs(p: Profile): number {
  const ms = (d: Duration) => toMs(d);
  const live = ms(p.waits.streamLive) + ms(p.waits.alertWait);
  return (
    live + // Falco's alert stream proven live (harness/attack/falco-liveness.ts)
    live + // Tetragon's event stream proven live
    ms(p.waits.policyEnforcing) + ms(p.waits.command) + // the policy proven enforcing, and its last canary read
    ms(p.waits.command) // the app's survival check: one request after the policy loaded
  );
}

/** T1's re-check of the spared attempts: the event-delay wait, then one barrier (its marker exec, the streams' wait). */
export function spareRecheckMs(p: Profile): number {
  return toMs(p.waits.tetragonEventDelay) + toMs(p.waits.command) + toMs(p.waits.alertWait);
}

export type SuiteId = "A1" | "A2" | "D" | "F" | "T" | "N" | "L";

/**
 * The observation windows each e2e suite file spends in every run that
 * passes, in the order they run: they always elapse, however fast the
 * cluster answers. A2 watches identities over the longest remount gap; D2
 * watches for its rotation window and D3 waits for the last identity's
 * expiry (TTL and Vault's buffer); F's quiet window needs three app probes,
 * and its batch's closing marker waits waits.falcoDropCheck (T's does so
 * within its re-check's wait, which is due later);
 * T re-checks the spared attempts after Tetragon's event-cache delay and T2
 * waits for a fresh identity (one remount gap; harness/perf/model.ts counts
 * what of T's two overlaps its attempts); N1's attempt from the app pod
 * runs its whole connect timeout (the drop sends no reset), then N1 waits
 * for an app request after it (up to a probe interval); L1 only makes its
 * requests and reads, which are work, not windows.
 */
export function suiteWindowsMs(p: Profile): Record<SuiteId, number> {
  const ms = (d: Duration) => toMs(d);
  const gap = remountModelOf(p).maxGapMs;
  return {
    A1: 0,
    A2: gap,
    D: ms(p.dynamic.rotationWindow) + ms(p.vault.defaultTtl) + VAULT_EXPIRATION_BUFFER_MS,
    F: 3 * ms(p.dynamic.probeInterval) + ms(p.waits.falcoDropCheck),
    T: ms(p.waits.tetragonEventDelay) + gap,
    N: ms(p.waits.exfilConnect) + ms(p.dynamic.probeInterval),
    L: 0,
  };
}

/**
 * The budget is the deadline all suites share (harness/vitest/run-deadline.ts).
 * Their windows may take at most half of it: the other half is for their
 * commands, barriers and events, which take seconds each on a healthy
 * cluster. A run whose waits run close to their timeouts is cancelled at the
 * budget, naming the test in progress, rather than given hours.
 */
function suitesBudgetProblem(p: Profile): string | undefined {
  const windows = suiteWindowsMs(p);
  const total = Object.values(windows).reduce((a, b) => a + b, 0);
  if (2 * total <= toMs(p.budget)) return undefined;
  const parts = Object.entries(windows).map(([k, v]) => `${k} ${formatMs(v)}`).join(" + ");
  return `budget ${p.budget} (the suites' shared deadline) leaves less than half for the suites' own work after their observation windows: ${parts} = ${formatMs(total)}`;
}

/** The attack suites' relations to upstream behaviour: Tetragon's event cache, the clock offset they accept. */
function attackProblems(p: Profile): string[] {
  const problems: string[] = [];
  if (toMs(p.waits.tetragonEventDelay) < TETRAGON_EVENT_CACHE_MAX_DELAY_MS) {
    problems.push(
      `waits.tetragonEventDelay ${p.waits.tetragonEventDelay} is shorter than Tetragon's event cache may hold an event ` +
        `(${TETRAGON_EVENT_CACHE_RETRIES} retries × ${secs(TETRAGON_EVENT_CACHE_RETRY_DELAY_MS)}: harness/tetragon/event-cache.ts), so a late SIGKILL of a spared attempt could go unseen`,
    );
  }
  if (toMs(p.attribution.clockOffsetLimit) <= 0) problems.push("attribution.clockOffsetLimit must be positive");
  if (toMs(p.waits.falcoDropCheck) <= FALCO_DROP_CHECK_INTERVAL_MS) {
    problems.push(`waits.falcoDropCheck ${p.waits.falcoDropCheck} does not exceed Falco's drop check interval (${secs(FALCO_DROP_CHECK_INTERVAL_MS)}: harness/falco/drop-config.ts), so a batch's closing marker may come before Falco reports a drop`);
  }
  return problems;
}

/** Checks the relations the suites depend on; returns the problems found. */
export function profileProblems(p: Profile): string[] {
  const problems: string[] = [];
  const ms = (d: Duration) => toMs(d);
  if (ms(p.vault.defaultTtl) > ms(p.vault.maxTtl)) problems.push("vault.defaultTtl exceeds vault.maxTtl");
  problems.push(...rotationProblems(p), ...attackProblems(p));
  // vitest's e2e testTimeout and hookTimeout are the budget: each test's own longest wait must fit in it.
  const longest = Math.max(
    ms(p.dynamic.rotationWindow) + ms(p.waits.command), // D2's observation window and its slack
    ms(p.vault.defaultTtl) + VAULT_EXPIRATION_BUFFER_MS + ms(p.dynamic.dropGrace), // D3: the last identity dropped
    enforcementSetupMs(p), // T setup
    spareRecheckMs(p), // T1's re-check of the spared attempts
    ms(p.waits.networkCollection) + ms(p.waits.command), // F's wait for N1's collection to end
  );
  if (longest >= ms(p.budget)) problems.push("budget (the e2e test timeout) does not cover the longest single e2e wait");
  const suites = suitesBudgetProblem(p);
  if (suites) problems.push(suites);
  // A single bring-up wait longer than the setup's deadline would never fire: the deadline would name the run, not the wait.
  const step = Math.max(...(["clusterCreate", "imageBuild", "helmRelease", "rollout", "appReady"] as const).map((k) => ms(p.waits[k])));
  if (ms(p.waits.bringUp) <= step + ms(p.waits.command)) {
    problems.push("waits.bringUp must exceed the longest single bring-up wait plus waits.command, or that wait's own timeout never fires");
  }
  if (ms(p.audit.window) < ms(p.dynamic.probeInterval)) {
    problems.push(`audit.window ${p.audit.window} is shorter than dynamic.probeInterval ${p.dynamic.probeInterval}: the audit's observation would sample the workload's pods at most once`);
  }
  if (ms(p.waits.connect) >= ms(p.waits.command)) {
    problems.push("waits.connect must be shorter than waits.command: it bounds the connection inside a request that waits.command bounds");
  }
  if (ms(p.waits.exfilConnect) >= ms(p.waits.command)) {
    problems.push("waits.exfilConnect must be shorter than waits.command, or kubectl is stopped before the attempt's own timeout and N1 reads a kubectl failure");
  }
  const n1 = ms(p.waits.exfilConnect) + ms(p.dynamic.probeInterval) + ms(p.waits.alertWait);
  if (ms(p.waits.networkCollection) <= n1) {
    problems.push(`waits.networkCollection ${p.waits.networkCollection} does not outlast N1's connect timeout, its wait for an app request and its wait for the drop (${formatMs(n1)}): a passing N1 would be cut off`);
  }
  for (const [k, v] of Object.entries(p.waits)) {
    if (ms(v) <= 0) problems.push(`waits.${k} must be positive`);
  }
  return problems;
}
