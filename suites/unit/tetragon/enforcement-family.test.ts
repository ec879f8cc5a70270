import { describe, expect, it } from "vitest";
import type { AttemptRecord } from "../../../harness/attack/attempt.ts";
import type { Attack } from "../../../harness/attack/catalogue.ts";
import type { RejudgeOptions } from "../../../harness/claims/registry.ts";
import { resolveCatalogue } from "../../../harness/report/expectations.ts";
import { enforcementFamily } from "../../../harness/claims/enforcement/family.ts";
import { LAYOUT } from "../../../harness/claims/enforcement/layout.ts";
import type { CanaryRead, RemovalProof } from "../../../harness/tetragon/enforcing.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { catalogue, pick, priorities } from "../../support/falco-catalogue.ts";
import { T0, alertLine, attempt, markerLine } from "../../support/falco-samples.ts";
import { CAT_PROC, POD_STATE, POLICY, exitLine, kprobeLine, markerExec } from "../../support/tetragon-samples.ts";


interface Opts {
  catExitSignal?: string;
  restartAfter?: number;
  identities?: string[];
  removal?: RemovalProof;
  /** The cat reader printed the password (exit 0, a credential) and no kill was seen. */
  catSurvived?: boolean;
  /** The cat entry as the bundle's catalogue records it. */
  catEntry?: Attack;
}

function bundle(o: Opts = {}) {
  const killed = { exitCode: 137, stdoutBytes: 0, stdout: "", credentialRegistered: false };
  const cat = attempt({ id: "enforcement/cat", phase: "enforcement", ...(o.catSurvived ? {} : killed), barrier: "m1" });
  const mem: AttemptRecord = attempt({
    id: "enforcement/proc-mem", attack: "proc-mem", phase: "enforcement", command: ["cat", "/proc/1/mem"], startMs: T0 + 2000, endMs: T0 + 2300,
    exitCode: 1, stdoutBytes: 0, stdout: "", credentialRegistered: false, barrier: "m2",
  });
  const restored = attempt({ id: "restored/cat", phase: "restored", startMs: T0 + 40_000, endMs: T0 + 40_400, barrier: "m3" });
  const users = o.identities ?? ["v-k-dyn-a", "v-k-dyn-a", "v-k-dyn-b"];
  const probes = users.map((u, i) => ({ at: "", ms: T0 + 1000 + i * 5000, durationMs: 20, status: 200, dbUser: u, pid: 1 }));
  return memoryBundle({
    [LAYOUT.catalogue]: { environment: { ptraceScope: "1", conditions: [] }, attacks: [o.catEntry ?? pick("cat"), pick("proc-mem")] },
    [LAYOUT.rules]: priorities,
    [LAYOUT.podBefore]: POD_STATE,
    [LAYOUT.podAfter]: { ...POD_STATE, restartCount: o.restartAfter ?? 0 },
    [LAYOUT.attempts]: [cat, mem, restored].map((a) => JSON.stringify(a)).join("\n") + "\n",
    [LAYOUT.alerts]: [
      alertLine({ rule: "SecretProof - Secret File Read", ms: T0 + 90, cmdline: "cat /mnt/secrets/db-password" }),
      markerLine(T0 + 900, "m1"),
      alertLine({ rule: "SecretProof - Process Memory Open Refused", ms: T0 + 2100, cmdline: "cat /proc/1/mem", file: "/proc/1/mem", tag: "MEM-ATTEMPT" }),
      markerLine(T0 + 2900, "m2"),
    ].join("\n"),
    [LAYOUT.events]: [
      ...(o.catSurvived ? [] : [kprobeLine(T0 + 90, CAT_PROC), exitLine(T0 + 95, CAT_PROC, o.catExitSignal ?? "SIGKILL")]),
      markerExec(T0 + 900, "m1"),
      markerExec(T0 + 2900, "m2"),
    ].join("\n"),
    [LAYOUT.barriers]: [
      { nonce: "m1", requestedMs: T0 + 850, seen: { falco: T0 + 900, tetragon: T0 + 900 } },
      { nonce: "m2", requestedMs: T0 + 2850, seen: { falco: T0 + 2900, tetragon: T0 + 2900 } },
    ],
    [LAYOUT.probes]: probes.map((p) => JSON.stringify(p)).join("\n"),
    [LAYOUT.phase]: { policy: POLICY, enforcingFromMs: T0 - 500, attacksEndMs: T0 + 3000, removedAtMs: T0 + 30_000 },
    ...(o.removal ? { [LAYOUT.policyRemoved]: o.removal } : {}),
  });
}

const byKey = (b: ReturnType<typeof bundle>) => Object.fromEntries(enforcementFamily.rejudge(b).map((v) => [`${v.claim}/${v.subject}`, v]));

describe("enforcement claim family", () => {
  it("is registered for `secretproof verify`", () => {
    expect(FAMILIES.map((f) => f.id)).toContain("enforcement");
  });

  it("re-judges T1, T2 and T3 from the recorded files alone", () => {
    const v = byKey(bundle());
    for (const k of ["T1/cat", "T1/proc-mem", "T1/app-own-reads-succeed", "T1/restored-after-removal", "T2/app-unharmed", "T3/cat"]) {
      expect(v[k]?.verdict, `${k}: ${v[k]?.reasons.join("; ")}`).toBe("pass");
    }
    expect(v["T1/cat"]?.reasons.join()).toMatch(/time to kill: 95 ms/);
  });

  it("judges against the verifier's catalogue when given: an entry rewritten to spare a reader that printed the password fails T1", () => {
    const forged = bundle({ catSurvived: true, catEntry: { ...pick("cat"), enforcement: { exitCode: 0, stdout: "credential", tetragon: "spare" } } });
    const asRecorded = byKey(forged)["T1/cat"];
    expect(asRecorded?.verdict, "judged against the bundle's own catalogue, the forgery passes").toBe("pass");
    const mine = catalogue.attacks.filter((a) => ["cat", "proc-mem"].includes(a.id));
    const own: RejudgeOptions = { expectedCatalogue: (rc) => resolveCatalogue(mine, rc.environment) };
    const judged = Object.fromEntries(enforcementFamily.rejudge(forged, own).map((v) => [`${v.claim}/${v.subject}`, v]));
    expect(judged["T1/cat"]?.verdict, judged["T1/cat"]?.reasons.join("; ")).toBe("fail");
  });

  it("fails T1 when the kill is only the kprobe's action (monitor mode: the process exited normally)", () => {
    expect(byKey(bundle({ catExitSignal: "" }))["T1/cat"]?.verdict).toBe("fail");
  });

  it("fails T2 when the app restarted or stopped rotating", () => {
    expect(byKey(bundle({ restartAfter: 1 }))["T2/app-unharmed"]?.verdict).toBe("fail");
    expect(byKey(bundle({ identities: ["v-k-dyn-a", "v-k-dyn-a"] }))["T2/app-unharmed"]?.verdict).toBe("fail");
  });

  describe("the read after removal counts only once a canary read proved the policy unloaded", () => {
    const read = (startMs: number, exitCode: number): CanaryRead => ({ startMs, endMs: startMs + 200, exitCode, stdoutBytes: exitCode === 0 ? 18 : 0 });
    // Unlisted at +31 s; the first canary is still killed (the programs detach after the unlisting), the second reads.
    const removal = (canaries: CanaryRead[]): RemovalProof => ({ unlistedAtMs: T0 + 31_000, canaries, provenAtMs: (canaries.at(-1)?.endMs ?? 0) });

    it("passes with the canary that succeeded before the judged read, and says how many were still killed", () => {
      const v = byKey(bundle({ removal: removal([read(T0 + 31_000, 137), read(T0 + 32_000, 0)]) }))["T1/restored-after-removal"];
      expect(v?.verdict, v?.reasons.join("; ")).toBe("pass");
      expect(v?.reasons.join()).toMatch(/a canary read succeeded 1200 ms after the agent unlisted the policy, after 1 canary read\(s\) still killed once it was unlisted, before the judged read/);
    });

    it("fails when no canary read succeeded, or the one that did ended after the judged read started", () => {
      expect(byKey(bundle({ removal: removal([read(T0 + 31_000, 137)]) }))["T1/restored-after-removal"]?.reasons.join()).toMatch(/no canary read succeeded after the policy was unlisted \(last: exit 137\)/);
      const late = byKey(bundle({ removal: removal([read(T0 + 39_900, 0)]) }))["T1/restored-after-removal"];
      expect(late?.verdict).toBe("fail");
      expect(late?.reasons.join()).toMatch(/ended 100 ms after the judged read started/);
    });
  });
});
