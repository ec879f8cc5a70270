/**
 * ESTIMATES, not measurements: how long each bring-up step and each suite's
 * own work (commands, execs, barriers; its observation windows come from the
 * profile) takes on a GitHub-hosted ubuntu-24.04 runner under the ci profile,
 * creating a new cluster. They are set from the work each step does (image
 * sizes, rollouts, one exec ≈ 1 s), not from a recorded run; once a run has
 * recorded its timings, the model takes them from its run.json instead
 * (model.ts, `recorded`), and these should be updated from them.
 */

/** Per bring-up step (harness/cluster/up/steps.ts), plus the global setup's own steps. */
export const STEP_ESTIMATES_MS: Readonly<Record<string, number>> = {
  preflight: 3_000,
  state: 1_000,
  fixtures: 1_000,
  // kindest/node pull (~450 MB) and kubeadm init
  "kind-cluster": 60_000,
  "kubelet-config": 2_000,
  // python slim base pull and pip install
  "app-image": 45_000,
  // the pinned images pods reference by tag, pulled in parallel on the runner
  "images-pull": 25_000,
  // one `docker save` of them all and `ctr import` in the node
  "images-load": 20_000,
  // agent, operator and envoy images pulled by the node, rollout, node Ready
  cilium: 90_000,
  namespaces: 1_000,
  tetragon: 60_000,
  // falcoctl's init container fetches rules and the container plugin before the agent starts
  falco: 90_000,
  "csi-driver": 30_000,
  vault: 30_000,
  postgres: 30_000,
  "postgres-hba": 2_000,
  "app-image-load": 10_000,
  "cluster-dns": 10_000,
  "configure-vault": 10_000,
  "vault-login": 3_000,
  // the CRD wait, one apply, the sink's and the client's rollouts from the loaded app image
  network: 20_000,
  "network-enforcing": 3_000,
  app: 30_000,
  "app-ready": 5_000,
  "sweep-leftovers": 2_000,
};

/** Each suite's own work besides its observation windows, per file; the attack suites also per catalogue entry. */
export const SUITE_WORK_ESTIMATES_MS = {
  A1: { base: 10_000, perAttack: 0 },
  A2: { base: 10_000, perAttack: 0 },
  // connect, prerequisites, D1, the revocation trial, D4
  D: { base: 15_000, perAttack: 0 },
  // the session and Falco's stream proven live, the stolen login, and the batch's one wait for its markers
  // (harness/attack/batch.ts: about 0.75 s, three polls at waits.eventPoll behind the last marker exec);
  // per entry: the attempt's exec (about 1.25 s: some print the credential, some go through a TTY, and the
  // credential reads before the login probe the app) and its marker exec (about 1 s). No per-entry wait:
  // each test judges what the batch already collected.
  F: { base: 10_750, perAttack: 2_250 },
  // both streams live, the policy enforcing, the batch's one wait for its markers in both streams (about
  // 0.75 s), the removal and the restored read; per entry: the attempt's exec (about 0.75 s: 24 of 29 are
  // killed at their first open, before any output) and its marker exec (about 1 s). No per-entry wait.
  T: { base: 25_750, perAttack: 1_750 },
  // about twelve kubectl calls of a second each: Cilium's config and a hubble
  // read (the upstream checks), the policy, the app, sink and client pods, a
  // port-forward, the exec around the app pod's attempt (its connect timeout
  // is a window), the client's attempt (it connects at once), the drop read
  N: { base: 12_000, perAttack: 0 },
  // a port-forward and four requests through it, two reads of the mounted
  // password (one exec each), the container log and the previous one's
  L: { base: 6_000, perAttack: 0 },
} as const;

/**
 * The e2e audit step's own work besides its observation window (the
 * profile's audit.window): `secretproof target --etcd-certs` (three docker
 * cp and a docker inspect, in parallel), a TCP connection to etcd, the
 * preflight's access reviews (in parallel), about nine kubectl reads (the
 * workload twice, A2's two lists, the agents and policies), A1's etcd read,
 * the bundle's finalizing and reports, `verify` of it and `audit compare`;
 * four node starts.
 */
export const AUDIT_WORK_ESTIMATE_MS = 10_000;
