import { redactionMarker } from "../../evidence/redact.ts";
import { compileNeedles, listItems, scanItems, type InventoryRow, type Needle, type NeedleHit, type NeedleKind, type ObjectRef } from "./scan.ts";
import { verdict, type Verdict, type VerdictValue } from "../verdict.ts";

/** A2: no Kubernetes Secret (or ConfigMap, or pod env) holds the app's DB credential. Pure. */

/** The Secrets Store CSI driver labels Secrets it syncs from a SecretProviderClass's secretObjects. */
const CSI_SYNCED_LABEL = "secrets-store.csi.k8s.io/managed";
const HELM_RELEASE_TYPE = "helm.sh/release.v1";

export interface AllowedSecret {
  namespace: string;
  name: string;
  reason: string;
}

/** The Vault CSI provider's own HMAC key for secret version hashes, created in its namespace on first mount. */
export const VAULT_CSI_HMAC_KEY = (namespace: string): AllowedSecret => ({
  namespace,
  name: "vault-csi-provider-hmac-key",
  reason: "the Vault CSI provider's HMAC key for secret version hashes (created on first mount); holds no credential",
});

export interface A2Input {
  /** `kubectl get secrets,configmaps -A -o json`. */
  secretsAndConfigMaps: unknown;
  /** `kubectl get pods -A -o json`. */
  pods: unknown;
  /** The app's live credential: the DB usernames it reported (kind db-username) and the password mounted for it (kind db-password). */
  identities: Needle[];
  /** Negative control: a Secret the suite planted holding `needle`; the scan must find it there. */
  control: { needle: Needle; namespace: string; name: string; notPlanted?: string };
  /** Namespaces that must hold no Secret (helm release records and allowed Secrets aside). */
  secretFreeNamespaces: string[];
  allowedSecrets: AllowedSecret[];
  evidence?: string[];
}

export interface A2Finding {
  rule: "identity-found" | "secret-in-namespace" | "csi-synced-secret";
  object: ObjectRef;
  detail: string;
  where?: string;
  needle?: NeedleHit["needle"];
}

/** A needle as the evidence shows it: label, kind and redaction marker (hash and length), never its value. */
export type NeedleRef = NeedleHit["needle"] & { kind?: NeedleKind };

/** What the judge needs besides the scan: the needles by label, kind and hash, and the rules' parameters. */
export interface A2Scope {
  identities: NeedleRef[];
  /** `notPlanted`: why no canary was planted (an audit never writes), so the control cannot pass. */
  control: NeedleHit["needle"] & { namespace: string; name: string; notPlanted?: string };
  secretFreeNamespaces: string[];
  allowedSecrets: AllowedSecret[];
}

/** What the scan saw: every needle hit and an inventory row per object; or why it could not scan. */
export interface A2Scan {
  hits: NeedleHit[];
  inventory: InventoryRow[];
  error?: string;
}

export interface A2Result extends A2Scan {
  verdict: Verdict;
  findings: A2Finding[];
  /** Control hits (planted canary), kept apart from findings. */
  controlHits: NeedleHit[];
}

const same = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace === b.namespace && a.name === b.name;
const show = (r: { namespace: string; name: string }) => `${r.namespace}/${r.name}`;

function secretRules(rows: InventoryRow[], input: A2Scope): A2Finding[] {
  const out: A2Finding[] = [];
  for (const r of rows.filter((x) => x.kind === "Secret")) {
    if (same(r, input.control) || input.allowedSecrets.some((a) => same(a, r))) continue;
    if (input.secretFreeNamespaces.includes(r.namespace) && r.type !== HELM_RELEASE_TYPE) {
      out.push({ rule: "secret-in-namespace", object: r, detail: `Secret ${show(r)} (type ${r.type ?? "?"}) in secret-free namespace` });
    }
    if (r.labels[CSI_SYNCED_LABEL] === "true") {
      out.push({ rule: "csi-synced-secret", object: r, detail: `Secret ${show(r)} was synced by the CSI driver (${CSI_SYNCED_LABEL}=true)` });
    }
  }
  return out;
}

function controlCheck(hits: NeedleHit[], input: A2Scope): { verdict: VerdictValue; reasons: string[] } {
  if (input.control.notPlanted !== undefined) return { verdict: "inconclusive", reasons: [`no canary was planted: ${input.control.notPlanted}`] };
  const inPlant = hits.filter((h) => h.object.kind === "Secret" && same(h.object, input.control));
  if (inPlant.length > 0) {
    return { verdict: "pass", reasons: [`the planted canary Secret ${show(input.control)} is found by the same scan (${inPlant.map((h) => h.where).join(", ")})`] };
  }
  return { verdict: "fail", reasons: [`the scan did not find the canary planted in Secret ${show(input.control)}: it cannot see a credential that is there`] };
}

function summary(rows: InventoryRow[], input: A2Scope, findings: A2Finding[]): string[] {
  const count = (k: string) => rows.filter((r) => r.kind === k).length;
  const fields = rows.reduce((n, r) => n + r.fieldsScanned, 0);
  const byRule = (rule: A2Finding["rule"]) => findings.filter((f) => f.rule === rule);
  const lines = [
    `scanned ${count("Secret")} Secrets, ${count("ConfigMap")} ConfigMaps and ${count("Pod")} Pods (${fields} fields, base64 and helm releases decoded) ` +
      `for ${needleCounts(input.identities)}: ${byRule("identity-found").length} hits`,
    ...input.secretFreeNamespaces.map((ns) => `namespace ${ns}: ${byRule("secret-in-namespace").filter((f) => f.object.namespace === ns).length} Secrets besides helm release records and allowed exceptions`),
    `Secrets synced by the CSI driver: ${byRule("csi-synced-secret").length}`,
  ];
  for (const a of input.allowedSecrets) {
    const present = rows.some((r) => r.kind === "Secret" && same(r, a));
    lines.push(`allowed exception ${show(a)}: ${present ? "present" : "absent"} — ${a.reason}; scanned like every other Secret`);
  }
  return lines;
}

/**
 * The needles for the app's live credential: each DB username it reported,
 * and the password mounted for it, read inside the same window.
 */
export function credentialNeedles(c: { usernames: readonly string[]; password: string; passwordReadAt: string }): Needle[] {
  return [
    ...c.usernames.map((value, i) => ({ label: `app DB identity #${i + 1}`, value, kind: "db-username" as const })),
    { label: `app DB password (mounted, read at ${c.passwordReadAt})`, value: c.password, kind: "db-password" as const },
  ];
}

/** "2 DB usernames and 1 DB password", from the needles' kinds. */
function needleCounts(needles: readonly NeedleRef[]): string {
  const n = (kind: NeedleKind | undefined, what: string) => {
    const count = needles.filter((x) => x.kind === kind).length;
    return `${count} ${what}${count === 1 ? "" : "s"}`;
  };
  const parts = [n("db-username", "DB username"), n("db-password", "DB password")];
  if (needles.some((x) => x.kind === undefined)) parts.push(n(undefined, "needle of no recorded kind"));
  return parts.join(" and ");
}

/** Why the needles cannot prove the claim: the app's username or its live password was not searched for. */
function missingNeedles(needles: readonly NeedleRef[]): string[] {
  const out: string[] = [];
  if (!needles.some((x) => x.kind === "db-username")) out.push("the app reported no DB identity: there is no username to search for");
  if (!needles.some((x) => x.kind === "db-password")) out.push("the app's live DB password was not searched for, so the scan cannot show that no object holds it");
  return out;
}

/** The scope of a scan, with needles shown by label, kind and redaction marker only. */
export function scopeOf(input: Omit<A2Input, "secretsAndConfigMaps" | "pods">): A2Scope {
  const ref = (n: Needle) => ({ label: n.label, marker: redactionMarker(n.value), ...(n.kind ? { kind: n.kind } : {}) });
  const { needle, namespace, name, notPlanted } = input.control;
  return {
    identities: input.identities.map(ref),
    control: { ...ref(needle), namespace, name, ...(notPlanted === undefined ? {} : { notPlanted }) },
    secretFreeNamespaces: input.secretFreeNamespaces,
    allowedSecrets: input.allowedSecrets,
  };
}

/** Judges what a scan saw. Pure; `secretproof verify` runs it again on the recorded scan. */
export function judgeA2Scan(scan: A2Scan, scope: A2Scope, evidence: string[] = []): A2Result {
  const { hits, inventory } = scan;
  if (scan.error !== undefined) {
    return { ...scan, verdict: verdict("A2", "inconclusive", [scan.error], evidence), findings: [], controlHits: [] };
  }
  const isControl = (h: NeedleHit) => h.needle.marker === scope.control.marker;
  const findings: A2Finding[] = hits
    .filter((h) => !isControl(h))
    .map((h) => ({ rule: "identity-found", object: h.object, where: h.where, needle: h.needle, detail: `${h.needle.label} found in ${h.object.kind} ${show(h.object)} ${h.where}` }));
  findings.push(...secretRules(inventory, scope));
  const control = controlCheck(hits.filter(isControl), scope);
  const reasons = [...summary(inventory, scope, findings), ...findings.map((f) => f.detail)];
  let ok: boolean | "inconclusive" = findings.length === 0;
  const missing = missingNeedles(scope.identities);
  if (ok && missing.length > 0) {
    ok = "inconclusive";
    reasons.unshift(...missing);
  } else if (ok && control.verdict !== "pass") {
    ok = "inconclusive";
    reasons.push("the negative control failed, so finding nothing proves nothing");
  }
  if (scope.control.notPlanted !== undefined) reasons.push(...control.reasons);
  const v = verdict("A2", ok, reasons, evidence, { negativeControl: control });
  return { verdict: v, findings, controlHits: hits.filter(isControl), hits, inventory };
}

/** Scans the kubectl documents for the needles, then judges the scan. */
export function judgeA2(input: A2Input): A2Result {
  const scope = scopeOf(input);
  let items;
  try {
    items = [...listItems(input.secretsAndConfigMaps, "the Secret/ConfigMap list"), ...listItems(input.pods, "the Pod list")];
  } catch (err) {
    return judgeA2Scan({ hits: [], inventory: [], error: (err as Error).message }, scope, input.evidence);
  }
  const scan = scanItems(items, compileNeedles([...input.identities, input.control.needle]));
  return judgeA2Scan(scan, scope, input.evidence);
}
