import { describe, expect } from "vitest";
import { judgedFrom, stepProblem, type ObservationStep } from "../../harness/claims/dynamic/observation.ts";
import { awaitObservation, type Observed } from "../../harness/vitest/dynamic.ts";
import { e2eTest } from "../../harness/vitest/fixtures.ts";

/**
 * D1–D4 from Postgres itself. The observation (harness/claims/dynamic/collect-background.ts)
 * runs in the global setup's process from the end of bring-up, beside A1, A2
 * and the attack phases: it watches the app only through its Service, Vault
 * through a port-forward and pg_roles through psql in postgres-0, and never
 * execs in the app pod, so the enforcement policy (which kills readers of
 * /mnt/secrets there) and the Falco alerts the attack phases judge never see
 * it. This file runs last and asserts on what it recorded. ci profile: the
 * 50s window, a few seconds for D1/D4/revocation, then up to TTL + 5s + grace
 * (≈60–110s) for the last identity to be dropped: about 2.5 minutes, hidden
 * behind the attack phases.
 */
const test = e2eTest.extend("o", { scope: "file" }, async ({ e2e }) => awaitObservation(e2e));

/** The step's own failure (a prerequisite, the cadence, an error) first, by its message. */
const stepOk = (o: Observed, step: ObservationStep) => {
  const problem = stepProblem(o.record, step);
  expect(problem, problem).toBeUndefined();
};

describe("dynamic credentials, proven from Postgres", () => {
  // The file's fixture is set up in a hook: a cancelled run lets a hook finish, then skips the tests and cleans up in order.
  test.beforeAll(({ o }) => {
    void o;
  });

  test("D2: the app answers 200 from the same, unrestarted pod while its database identity rotates", ({ o }) => {
    stepOk(o, "D2");
    const v = judgedFrom(o.ev, "D2");
    const masked = o.ev.remountCadence?.looks.withoutIdentity ? `\n${o.ev.remountCadence.message}` : "";
    expect(v.verdict, `${v.why}${masked}`).toBe("pass");
  });

  test("D1: the identity the app uses now is a Postgres role whose VALID UNTIL is its Vault lease's expiry", ({ o }) => {
    stepOk(o, "D1");
    const v = judgedFrom(o.ev, "D1");
    expect(v.verdict, v.why).toBe("pass");
  });

  test("D3: revoking a lease drops its role from pg_roles and its password stops working", ({ o }) => {
    stepOk(o, "D3-revocation");
    const v = judgedFrom(o.ev, "D3", "explicit-revocation");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });

  test("D4: after rotate-root the bootstrap admin password is rejected over TCP, where a live credential gets in", ({ o }) => {
    stepOk(o, "D4");
    const v = judgedFrom(o.ev, "D4");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });

  test("D3: every identity the app reported leaves pg_roles once its TTL has passed, while a role made outside Vault stays", ({ o }) => {
    stepOk(o, "D3-expiry");
    const v = judgedFrom(o.ev, "D3", "ttl-expiry");
    expect(v.control, v.why).toBe("pass");
    expect(v.verdict, v.why).toBe("pass");
  });

  test("the observation closed cleanly: its verdicts recorded and its control role dropped", ({ o }) => {
    expect(o.record.closeError, o.record.closeError).toBeUndefined();
  });
});
