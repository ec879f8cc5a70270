import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DYNAMIC_AUDIT_LAYOUT, observeDynamic } from "../../../harness/audit/dynamic-audit.ts";
import { NEEDS_IDENTITY, type PassiveDynamic, passiveDynamicFindings } from "../../../harness/audit/dynamic-passive.ts";
import { AUDIT_SQL, guardedQuery, type Query, snapshotWith } from "../../../harness/audit/postgres-reads.ts";
import { parseTarget } from "../../../harness/audit/target.ts";
import { LEASE_LOOKUP, readOnlyVault, roleOf, type VaultCall } from "../../../harness/audit/vault-reads.ts";
import type { WorkloadSample } from "../../../harness/audit/workload.ts";
import type { VaultApi } from "../../../harness/vault/client.ts";
import { judgeAuditDynamic } from "../../../harness/audit/dynamic-verdicts.ts";
import { dynamicFamily } from "../../../harness/claims/dynamic/family.ts";
import { D2_NEEDS_IDENTITY, judgeDynamicPassive, PASSIVE_JUDGE } from "../../../harness/claims/dynamic/passive.ts";
import type { BundleView } from "../../../harness/claims/registry.ts";
import type { Verdict } from "../../../harness/claims/verdict.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/audit");
const fixture = <T>(name: string) => JSON.parse(readFileSync(join(FIXTURES, name), "utf8")) as T;
const target = parseTarget(readFileSync(join(FIXTURES, "target.example.yaml"), "utf8"), "example");
type Body = { data?: { keys?: string[] } };
const lookups = fixture<Record<string, object>>("vault/lease-lookups.json");
const pgText = fixture<Record<"start" | "end", { now: string; roles: string }>>("postgres-roles.json");

/** Vault's recorded HTTP bodies per call; the list's answer moves from the window's start to its end. */
function recordedVault(): VaultApi & { phase: "start" | "end" } {
  const v = {
    addr: "https://vault.internal.example:8200",
    phase: "start" as "start" | "end",
    read: async <T>(path: string) => {
      if (path === "database/roles/payments-api") return fixture<T>("vault/role.json");
      if (path === "database/config/payments-db") return fixture<T>("vault/connection.json");
      throw new Error(`unexpected GET ${path}`);
    },
    readOptional: async () => undefined,
    list: async (path: string) => {
      if (path !== "sys/leases/lookup/database/creds/payments-api/") throw new Error(`unexpected LIST ${path}`);
      return fixture<Body>(`vault/leases-list-${v.phase}.json`).data?.keys ?? [];
    },
    write: async <T>(path: string, body: object) => {
      const id = (body as { lease_id?: string }).lease_id ?? "";
      if (path !== "sys/leases/lookup" || !(id in lookups)) throw new Error(`unexpected POST ${path} ${id}`);
      return lookups[id] as T;
    },
  };
  return v;
}

/** pg's answers (rows of text) to the audit's two statements, at the window's start then its end. */
function recordedPg(): { query: Query; sent: string[] } {
  const sent: string[] = [];
  let calls = 0;
  const query: Query = async (text) => {
    sent.push(text);
    const phase = calls++ < 2 ? "start" : "end";
    return { rows: [text === AUDIT_SQL[0] ? { now: pgText[phase].now } : { roles: pgText[phase].roles }] };
  };
  return { query, sent };
}

const pods = (restartCount: number, at: string): WorkloadSample => ({ at, pods: [{ name: "payments-api-5d8-abcde", uid: "u-1", node: "worker-2", restartCount }] });

async function observe(samples: WorkloadSample[]) {
  const vault = recordedVault();
  const calls: VaultCall[] = [];
  const ro = readOnlyVault(vault, calls);
  const pg = recordedPg();
  const query = guardedQuery(pg.query, "the recorded database");
  let clock = 0;
  let taken = 0;
  const written: Record<string, unknown> = {};
  const { findings } = await observeDynamic(
    { vault: ro, roles: { snapshot: () => snapshotWith(query, new Date(clock).toISOString()), close: async () => undefined } },
    target,
    { write: async (path: string, value: unknown) => ((written[path] = value), path) },
    async () => {
      const s = samples[Math.min(taken++, samples.length - 1)]!;
      if (taken === samples.length) vault.phase = "end";
      return s;
    },
    { windowMs: 50_000, intervalMs: 25_000, expiryToleranceMs: 5_000, dropGraceMs: 45_000, now: () => clock, sleep: async (ms) => void (clock += ms) },
  );
  return { findings, calls, sent: pg.sent, written };
}

describe("passive D1-D3 from Vault leases, pg_roles and the workload's pods (recorded Vault JSON and pg rows)", () => {
  it("states what it found per claim and that the app's identity is what only --attack adds", async () => {
    const { findings, written } = await observe([pods(0, "2026-12-01T16:10:00.000Z"), pods(0, "2026-12-01T16:10:25.000Z"), pods(0, "2026-12-01T16:10:50.000Z")]);
    expect(findings.D1).toBe(
      `found: database/roles/payments-api has default_ttl 1m00s, max_ttl 2m00s; 2 of 2 live leases expire with a pg_roles role's VALID UNTIL (expire_time + Vault's 5s buffer, tolerance 5.0s); each lives default_ttl; which of them the app uses ${NEEDS_IDENTITY}`,
    );
    expect(findings.D2).toBe(
      `found: Vault issued 2 new lease(s) under database/creds/payments-api in the window 2026-12-01T16:10:00.000Z … 2026-12-01T16:10:50.000Z; every workload pod kept its UID and restartCount over 3 samples; that the app rotated to them without a restart ${NEEDS_IDENTITY}`,
    );
    expect(findings.D3).toContain("2 lease(s) ended in the window: v-kubernet-payments-Yp3ZkG1vQ8wXcN2tR5sH-1796141350 is gone with its lease database/creds/payments-api/Yp3ZkG1vQ8wXcN2tR5sH7mJa");
    expect(findings.D3).toContain("v-kubernet-payments-b8TqW2eLr6NxV4cK1zPy-1796141380 (lease database/creds/payments-api/b8TqW2eLr6NxV4cK1zPy9HdF ended) is still in pg_roles at 2026-12-01T16:10:50.274410+00:00, VALID UNTIL 2026-12-01T16:10:45.000Z");
    // legacy_report is past its VALID UNTIL but is no name Vault's template gives: not Vault's to drop
    expect(findings.D3).toContain(
      "no role is past its VALID UNTIL by more than 45.0s (among the 3 of 6 pg_roles roles matching payments-db's username template (plugin default); the other 3 are not Vault's for this role)",
    );
    expect(Object.keys(written)).toEqual([DYNAMIC_AUDIT_LAYOUT.start, DYNAMIC_AUDIT_LAYOUT.observed, DYNAMIC_AUDIT_LAYOUT.findings]);
    // the start reads are written before the window: they survive a failed end read
    expect(written[DYNAMIC_AUDIT_LAYOUT.start]).toEqual({ role: (written[DYNAMIC_AUDIT_LAYOUT.observed] as PassiveDynamic).role, usernames: (written[DYNAMIC_AUDIT_LAYOUT.observed] as PassiveDynamic).usernames, leases: (written[DYNAMIC_AUDIT_LAYOUT.observed] as PassiveDynamic).leases.start, pgRoles: (written[DYNAMIC_AUDIT_LAYOUT.observed] as PassiveDynamic).pgRoles.start });
    expect((written[DYNAMIC_AUDIT_LAYOUT.observed] as PassiveDynamic).role).toEqual({ path: "database/roles/payments-api", defaultTtlSec: 60, maxTtlSec: 120, dbName: "payments-db", credentialType: "password" });
  });

  it("a template that misses the roles expiring with live leases is named as not the one Vault used", async () => {
    const { written } = await observe([pods(0, "2026-12-01T16:10:00.000Z"), pods(0, "2026-12-01T16:10:50.000Z")]);
    const o = written[DYNAMIC_AUDIT_LAYOUT.observed] as PassiveDynamic;
    const wrong = { ...o, usernames: { ...o.usernames!, source: "connection" as const, pattern: "^app_payments-api_[0-9A-Za-z]{6}$" } };
    expect(passiveDynamicFindings(wrong).D3).toContain(
      "the template does NOT match v-kubernet-payments-Mv5Js0aQe3RtY7uI2oP4-1796141405, v-kubernet-payments-Xc1Vb6Nm9Az3Sd5Fg7Hj-1796141435, which expire with a live lease, so it is not the one Vault used",
    );
    expect(passiveDynamicFindings(o).D3).not.toContain("does NOT match");
  });

  it("a restart in the window, a lease without its role and a lease not living default_ttl are each named", async () => {
    const { written } = await observe([pods(0, "2026-12-01T16:10:00.000Z"), pods(1, "2026-12-01T16:10:50.000Z")]);
    const o = written[DYNAMIC_AUDIT_LAYOUT.observed] as PassiveDynamic;
    const f = passiveDynamicFindings(o);
    expect(f.D2).toContain("the workload's pods changed: pod payments-api-5d8-abcde restarted (restartCount 0 -> 1)");
    const [l3, l4] = o.leases.end;
    const long = { ...l4!, lookup: { ...l4!.lookup, expire_time: "2026-12-01T16:12:35.802230551Z" } };
    const g = passiveDynamicFindings({ ...o, leases: { ...o.leases, end: [l3!, long] } });
    expect(g.D1).toContain(`1 of 2 live leases expire with a pg_roles role's VALID UNTIL`);
    expect(g.D1).toContain(`no role expires with ${l4!.lookup.id}`);
    expect(g.D1).toContain(`leases not living default_ttl: ${l4!.lookup.id}`);
  });

  it("read-only: every Vault call is a GET, a LIST or the lease lookup, and every SQL statement a SELECT", async () => {
    const { calls, sent } = await observe([pods(0, "2026-12-01T16:10:00.000Z"), pods(0, "2026-12-01T16:10:50.000Z")]);
    expect(calls.length).toBeGreaterThan(0);
    for (const c of calls) expect(c.method === "GET" || c.method === "LIST" || (c.method === "POST" && c.path === LEASE_LOOKUP), `${c.method} ${c.path}`).toBe(true);
    expect(sent.length).toBe(4);
    for (const s of [...sent, ...AUDIT_SQL]) expect(s.trimStart()).toMatch(/^SELECT\s/);
  });

  it("the guards can fail: any other Vault write and any other SQL are refused before they are sent", async () => {
    const sentWrites: string[] = [];
    const api = { ...recordedVault(), write: async (p: string) => void sentWrites.push(p) } as unknown as VaultApi;
    await expect(readOnlyVault(api).write("sys/leases/revoke", { lease_id: "x" })).rejects.toThrow("a read-only audit refused to send POST /v1/sys/leases/revoke to https://vault.internal.example:8200");
    expect(sentWrites).toEqual([]);
    const pg = recordedPg();
    await expect(guardedQuery(pg.query, "db")("DROP ROLE legacy_report")).rejects.toThrow(/refused to send "DROP ROLE legacy_report" to db/);
    expect(pg.sent).toEqual([]);
  });

  it("a role read without numeric TTLs is an error naming the path", () => {
    expect(() => roleOf("database/roles/x", { data: { default_ttl: "1m" } })).toThrow(/GET \/v1\/database\/roles\/x returned no numeric default_ttl and max_ttl/);
  });
});

describe("the passive judges D1 and D3 on the audit's recorded observation (dynamic-passive judge)", () => {
  const at = (ps: string[]) => ps.map((t) => pods(0, t));
  const observation = async () => (await observe(at(["2026-12-01T16:10:00.000Z", "2026-12-01T16:10:50.000Z"]))).written[DYNAMIC_AUDIT_LAYOUT.observed] as PassiveDynamic;
  const judge = (o: PassiveDynamic) => Object.fromEntries(judgeDynamicPassive({ judge: PASSIVE_JUDGE, observation: o, evidence: [] }).map((v) => [v.claim, v]));

  it("passes D1 and D3 when every live lease has its one template-matched role and lives default_ttl, and no Vault role is overdue; D2 stays inconclusive", async () => {
    const v = judge(await observation());
    expect(v.D1).toMatchObject({ verdict: "pass" });
    expect(v.D1!.reasons[0]).toContain("v-kubernet-payments-Mv5Js0aQe3RtY7uI2oP4-1796141405 (lease database/creds/payments-api/");
    expect(v.D1!.reasons[1]).toBe("the app's credentials are among them because the target names the app's role; that the app used them is not observed");
    expect(v.D2).toMatchObject({ verdict: "inconclusive", reasons: [D2_NEEDS_IDENTITY] });
    expect(v.D3).toMatchObject({ verdict: "pass", subject: "ttl-expiry" });
  });

  it("fails D1 naming a lease with no role and a lease not living default_ttl", async () => {
    const o = await observation();
    const [l3, l4] = o.leases.end;
    const long = { ...l4!, lookup: { ...l4!.lookup, expire_time: "2026-12-01T16:12:35.802230551Z" } };
    const v = judge({ ...o, leases: { ...o.leases, end: [l3!, long] } });
    expect(v.D1!.verdict).toBe("fail");
    expect(v.D1!.reasons.slice(1).join("\n")).toMatch(new RegExp(`lease ${l4!.lookup.id} \\(expires 2026-12-01T16:12:35.802230551Z\\): no single pg_roles role[^\\n]*\\nlease ${l4!.lookup.id} lives 2m00s`));
  });

  it("a role outside the template is no lease's role: D1 fails though the names would match without it", async () => {
    const o = await observation();
    const v = judge({ ...o, usernames: { ...o.usernames!, pattern: "^v-kubernet-payments-Xc1V.*$" } });
    expect(v.D1!.verdict).toBe("fail");
    expect(v.D1!.reasons.join("\n")).toContain(`lease ${o.leases.end[0]!.lookup.id}`);
  });

  it("fails D3 naming each Vault role past VALID UNTIL by more than dropGrace, and is inconclusive without the template", async () => {
    const o = await observation();
    const late = { ...o, pgRoles: { ...o.pgRoles, end: { ...o.pgRoles.end, pgNow: "2026-12-01T16:11:31.000000+00:00" } } };
    const v = judge(late);
    expect(v.D3).toMatchObject({ verdict: "fail", subject: "ttl-expiry" });
    expect(v.D3!.reasons.slice(1)).toEqual(["v-kubernet-payments-b8TqW2eLr6NxV4cK1zPy-1796141380 (VALID UNTIL 2026-12-01T16:10:45.000Z)"]);
    // legacy_report is overdue by a month but is no name the template gives
    expect(v.D3!.reasons.join("\n")).not.toContain("legacy_report");
    const blind = judge({ ...late, usernames: { source: "unknown", limit: "GET /v1/database/config/payments-db was refused" } });
    expect(blind.D3!.verdict).toBe("inconclusive");
    expect(blind.D3!.reasons[0]).toBe("GET /v1/database/config/payments-db was refused: roles Vault did not issue may be among the 6 pg_roles roles, so a role past its VALID UNTIL cannot be called Vault's to drop");
    const wrong = judge({ ...o, usernames: { ...o.usernames!, source: "connection", pattern: "^app_payments-api_[0-9A-Za-z]{6}$" } });
    expect(wrong.D3!.reasons[0]).toMatch(/^the username template read \(connection\) does not match v-kubernet-payments-Mv5J.*it is not the one Vault used/);
  });

  it("D1 is inconclusive when no lease was live at the window's end", async () => {
    const o = await observation();
    const v = judge({ ...o, leases: { ...o.leases, end: [] } });
    expect(v.D1).toMatchObject({ verdict: "inconclusive", reasons: ["no lease under database/creds/payments-api/ was live at the window's end (2026-12-01T16:10:50.274410+00:00): no credential to judge"] });
  });

  it("verify's family re-judges a passive bundle with the passive judge and agrees; one holding a suite's params too is refused", async () => {
    const o = await observation();
    const files: Record<string, unknown> = { [DYNAMIC_AUDIT_LAYOUT.observed]: o, [DYNAMIC_AUDIT_LAYOUT.findings]: passiveDynamicFindings(o) };
    const w = { write: async (p: string, v: unknown) => ((files[p] = v), p) };
    const recorded: Verdict[] = [];
    await judgeAuditDynamic(o, passiveDynamicFindings(o), { ...w, verdicts: async (_f: string, v: Verdict[]) => (recorded.push(...v), "verdicts/dynamic.json") });
    const view = { files: Object.keys(files), has: (p: string) => p in files, json: <T>(p: string) => files[p] as T, text: (p: string) => JSON.stringify(files[p]) } as unknown as BundleView;
    const again = dynamicFamily.rejudge(view, {});
    expect(again).toEqual(recorded);
    expect(again.map((x) => x.verdict)).toEqual(["pass", "inconclusive", "pass"]);
    expect(again[1]!.reasons[0]).toMatch(/^found: Vault issued 2 new lease/);
    files["dynamic/params.json"] = {};
    expect(() => dynamicFamily.rejudge(view, {})).toThrow("the bundle holds both dynamic/params.json (a suite's D claims) and dynamic/passive.json (an audit's): one D judgement a bundle");
  });
});
