import { describe, expect, it } from "vitest";
import type { RejudgeOptions } from "../../../harness/claims/registry.ts";
import { resolveCatalogue } from "../../../harness/report/expectations.ts";
import { enforcementFamily } from "../../../harness/claims/enforcement/family.ts";
import type { CanaryRead, RemovalProof } from "../../../harness/tetragon/enforcing.ts";
import { FAMILIES } from "../../../harness/report/families.ts";
import { memoryBundle } from "../../support/bundle.ts";
import { enforcementFiles, type EnforcementFilesOpts } from "../../support/build-enforcement-bundle.ts";
import { catalogue, pick } from "../../support/falco-catalogue.ts";
import { T0 } from "../../support/falco-samples.ts";


const bundle = (o: EnforcementFilesOpts = {}) => memoryBundle(enforcementFiles(o));

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

  it("does not pass T3 on an absence when Falco reported event drops: a silent rule or a missing alert is then inconclusive", () => {
    const dropped = byKey(bundle({ falcoDrops: 1 }))["T3/cat"];
    expect(dropped?.verdict, dropped?.reasons.join("; ")).toBe("inconclusive");
    expect(dropped?.reasons.join()).toMatch(/"SecretProof - Interactive Shell Spawned" silence is unproven: Falco reported 1 event drop alert\(s\)/);
    const missing = byKey(bundle({ falcoDrops: 1, catAlertMissing: true }))["T3/cat"];
    expect(missing?.verdict, "a missing alert is not a failure when the event may have been dropped").toBe("inconclusive");
    expect(missing?.reasons.join()).toMatch(/inconclusive: Falco reported event drops/);
    expect(byKey(bundle({ catAlertMissing: true }))["T3/cat"]?.verdict, "without drops the missing alert fails").toBe("fail");
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
