import { toMs } from "../../../clusters/duration.ts";
import { APP, APP_SELECTOR, NS, POSTGRES, VAULT } from "../../../clusters/names.ts";
import { vaultNames } from "../../../fixtures/vault/definitions.ts";
import { sampleApp, samplePod } from "../../app/samples.ts";
import { WaitTimeoutError, waitFor } from "../../core/wait.ts";
import type { EvidenceSink } from "../../evidence/sealable-writer.ts";
import type { Kubectl } from "../../kube/kubectl.ts";
import { startPortForward, type PortForward } from "../../kube/port-forward.ts";
import { inPodPostgres, kubectlShell, podAddress, type InPodPostgres, type LoginTarget } from "../../postgres/in-pod.ts";
import type { Profile } from "../../profile.ts";
import { connectVault, lookupAll, type VaultHandle } from "../../vault/index.ts";
import type { ClaimId } from "../verdict.ts";
import { newControlRoleName } from "./control-role.ts";
import { recordLine, recordPart, type DynamicEvidence } from "./evidence.ts";
import { dynamicFamily, judgeDynamic } from "./family.ts";
import type { PgRolesSnapshot } from "./types.ts";

/** What the dynamic collection reads the cluster with and writes its evidence to. */
export interface DynamicTarget {
  kube: Kubectl;
  profile: Profile;
  evidence: EvidenceSink;
  ctx: { clusterName: string };
  secrets: { vaultRootToken: string; postgresBootstrapPassword: string };
}

export const ROLE = vaultNames.role;
export const APP_LABELS = Object.entries(APP_SELECTOR).map(([k, v]) => `${k}=${v}`).join(",");
const need = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new Error(`the dynamic collection is not connected: no ${what}`);
  return v;
};

/**
 * The D suite's connections (port-forwards to Vault and the app, psql on
 * postgres-0's socket, a login target at the pod's IP) and the evidence they
 * gather, each observation appended to its file as it comes. Every Postgres
 * look goes through psql on the socket, independent of the rotated admin
 * password; password logins go over TCP. close() runs whatever connect() got
 * through: it records the verdicts, drops the control role and closes the rest.
 */
export class DynamicCollection {
  readonly ev: DynamicEvidence = {
    params: { roleName: ROLE, defaultTtlMs: 0, expiryToleranceMs: 0, dropGraceMs: 0, controlRole: newControlRoleName() },
    appSamples: [],
    podSamples: [],
    pgRoles: [],
    leases: [],
  };
  readonly #forwards: PortForward[] = [];
  #vaultPf?: PortForward;
  #appPf?: PortForward;
  #vault?: VaultHandle;
  #db?: InPodPostgres;
  #target?: LoginTarget;
  #closed?: Promise<void>;

  /** `signal` reaches every wait of the collection: once it aborts, a wait ends at its next probe. */
  constructor(
    readonly t: DynamicTarget,
    readonly signal?: AbortSignal,
  ) {}

  get vault(): VaultHandle { return need(this.#vault, "Vault client"); }
  get db(): InPodPostgres { return need(this.#db, "psql in postgres-0"); }
  get target(): LoginTarget { return need(this.#target, "login target"); }
  get appUrl(): string { return need(this.#appPf, "app port-forward").url; }

  /** A profile duration in ms. */
  ms(pick: (p: Profile) => string): number {
    return toMs(pick(this.t.profile));
  }

  async connect(): Promise<void> {
    const { kube, profile } = this.t;
    const cmd = this.ms((p) => p.waits.command);
    const forward = async (namespace: string, svc: string, remotePort: number) => {
      const pf = await startPortForward({ context: kube.context, namespace, target: `svc/${svc}`, remotePort, timeoutMs: cmd });
      this.#forwards.push(pf);
      return pf;
    };
    this.#vaultPf = await forward(NS.vault, VAULT.service, VAULT.port);
    const addr = this.#vaultPf.url;
    this.#vault = await this.viaVault(() => connectVault({ addr, token: this.t.secrets.vaultRootToken, timeoutMs: cmd }));
    this.#appPf = await forward(NS.app, APP.service, APP.servicePort);
    this.#db = inPodPostgres(kubectlShell(kube, NS.postgres, POSTGRES.pod, POSTGRES.container));
    this.#target = { host: await podAddress(kube, NS.postgres, POSTGRES.pod), port: POSTGRES.port, database: POSTGRES.database };
    const d = profile.dynamic;
    this.ev.params = { ...this.ev.params, defaultTtlMs: toMs(profile.vault.defaultTtl), expiryToleranceMs: toMs(d.expiryTolerance), dropGraceMs: toMs(d.dropGrace) };
    await this.db.createControlRole(this.ev.params.controlRole);
    await recordPart(this.t.evidence, this.ev, "params", this.ev.params);
  }

  /**
   * Records the verdicts and drops the control role whatever happens to
   * either; a control role left behind is reported, not swallowed. Runs once:
   * a second call (a forced end, then the step's own end) waits for the first.
   */
  close(): Promise<void> {
    this.#closed ??= this.#close();
    return this.#closed;
  }

  async #close(): Promise<void> {
    const recorded = this.t.evidence.verdicts(dynamicFamily.id, judgeDynamic(this.ev)).then(() => undefined, (err: unknown) => err);
    const dropError = await this.#db?.dropRole(this.ev.params.controlRole).then(() => undefined, (err: unknown) => err);
    await this.#vault?.close();
    for (const pf of this.#forwards) await pf.stop();
    const recordError = await recorded;
    if (recordError) throw new Error("could not record the dynamic verdicts", { cause: recordError });
    if (dropError) throw new Error(`could not drop the control role ${this.ev.params.controlRole} in ${NS.postgres}/${POSTGRES.pod}`, { cause: dropError });
  }

  /**
   * kubectl ends a port-forward after the first connection the pod side
   * refuses (harness/kube/port-forward.ts): checked after each observation
   * and before each judgement, so a dead forward fails naming itself, not as a claim.
   */
  forwardsAlive(): void {
    for (const pf of this.#forwards) pf.assertAlive();
  }

  /** A Vault call through the forward; when it fails because kubectl exited, the error says so. */
  viaVault<T>(call: () => Promise<T>): Promise<T> {
    const pf = need(this.#vaultPf, "Vault port-forward");
    return call().catch((err: unknown) => Promise.reject(pf.explain(err)));
  }

  /** The leases under database/creds/<role>/, looked up through the forward. */
  leases() {
    return this.viaVault(() => lookupAll(this.vault, `database/creds/${ROLE}/`));
  }

  sampleApp() {
    return sampleApp(this.appUrl, { timeoutMs: this.ms((p) => p.waits.command) });
  }

  async recordPod(): Promise<void> {
    await recordLine(this.t.evidence, this.ev, "podSamples", await samplePod(this.t.kube, NS.app, APP_LABELS, APP.container));
  }

  /** One look at everything; a forward that died fails the window at the next tick (PortForwardExitedError is permanent). */
  async tick(): Promise<void> {
    this.forwardsAlive();
    const w = this.t.evidence;
    await recordLine(w, this.ev, "appSamples", await this.sampleApp());
    await this.recordPod();
    await recordLine(w, this.ev, "pgRoles", await this.db.roles());
    for (const l of await this.leases()) await recordLine(w, this.ev, "leases", l);
  }

  /**
   * Polls pg_roles until `gone` holds or the wait ends; the judge, not the
   * wait, decides what the snapshots mean. Resolves with the last snapshot
   * and whether `gone` held.
   */
  async pollRoles(what: string, gone: (s: PgRolesSnapshot) => boolean, timeoutMs: number, keep: (s: PgRolesSnapshot) => unknown) {
    let last: PgRolesSnapshot | undefined;
    const probe = async () => {
      const s = (last = await this.db.roles());
      await keep(s);
      return gone(s) ? { done: true as const, value: s } : { done: false as const, state: `still listed at ${s.pgNow}` };
    };
    const done = await waitFor(what, probe, { timeoutMs, intervalMs: this.ms((p) => p.dynamic.probeInterval), ...(this.signal ? { signal: this.signal } : {}) }).then(
      () => true,
      (err: unknown) => (err instanceof WaitTimeoutError ? false : Promise.reject(err)),
    );
    return { done, last };
  }

  /** The verdict on `claim` (and `subject`) for the evidence so far, with its reasons and its negative control's. */
  judged(claim: ClaimId, subject?: string) {
    const v = judgeDynamic(this.ev).find((x) => x.claim === claim && (subject === undefined || x.subject === subject));
    return { verdict: v?.verdict, why: [...(v?.reasons ?? []), ...(v?.negativeControl?.reasons ?? [])].join("\n"), control: v?.negativeControl?.verdict };
  }
}
