import { describe, expect } from "vitest";
import { DynamicCollection } from "../../harness/claims/dynamic/collect.ts";
import { collectD1, observeRotation, recordRemountCadence, revocationTrial, rootLogins, rotationPrerequisiteProblems, waitTtlExpiry } from "../../harness/claims/dynamic/collect-steps.ts";
import { e2eTest } from "../../harness/vitest/fixtures.ts";

/**
 * D1–D4 from Postgres itself (harness/claims/dynamic/collect.ts gathers, the
 * judges decide). ci profile wall time: the 50s window, a few seconds for
 * D1/D4/revocation, then up to TTL + 5s + grace (≈60–110s) for the last
 * identity to be dropped: about 2.5 minutes, at most ≈3.
 */
const test = e2eTest.extend("d", { scope: "file" }, async ({ e2e, teardown }) => {
  // Registered before connecting: whatever connect() got through is closed, and the verdicts recorded.
  const d = teardown.adopt(new DynamicCollection(e2e), (d) => d.close());
  await d.connect();
  return d;
});

describe("dynamic credentials, proven from Postgres", () => {
  // The file's fixture is set up in a hook: a cancelled run lets a hook finish, then skips the tests and cleans up in order.
  test.beforeAll(({ d }) => {
    void d;
  });

  test("D2: the app answers 200 from the same, unrestarted pod while its database identity rotates", async ({ d }) => {
    const problems = await rotationPrerequisiteProblems(d);
    expect(problems, problems.join("\n")).toEqual([]);
    await observeRotation(d);
    // After the window: the mount was remounted as often as modelled, else the failure names it.
    const cadence = await recordRemountCadence(d);
    expect(cadence.ok, cadence.message).toBe(true);
    const v = d.judged("D2");
    const masked = d.ev.remountCadence?.looks.withoutIdentity ? `\n${d.ev.remountCadence.message}` : "";
    expect(v.verdict, `${v.why}${masked}`).toBe("pass");
  });

  test("D1: the identity the app uses now is a Postgres role whose VALID UNTIL is its Vault lease's expiry", async ({ d }) => {
    await collectD1(d);
    const v = d.judged("D1");
    expect(v.verdict, v.why).toBe("pass");
  });

  test("D3: revoking a lease drops its role from pg_roles and its password stops working", async ({ d }) => {
    await revocationTrial(d);
    const v = d.judged("D3", "explicit-revocation");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });

  test("D4: after rotate-root the bootstrap admin password is rejected over TCP, where a live credential gets in", async ({ d }) => {
    await rootLogins(d);
    const v = d.judged("D4");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });

  test("D3: every identity the app reported leaves pg_roles once its TTL has passed, while a role made outside Vault stays", async ({ d }) => {
    await waitTtlExpiry(d);
    const v = d.judged("D3", "ttl-expiry");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });
});
