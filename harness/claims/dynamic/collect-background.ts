import { DynamicCollection, type DynamicTarget } from "./collect.ts";
import { collectD1, observeRotation, recordRemountCadence, revocationTrial, rootLogins, rotationPrerequisiteProblems, waitTtlExpiry } from "./collect-steps.ts";
import { LAYOUT } from "./layout.ts";
import type { ObservationStep } from "./observation.ts";
import { ObservationRun, type StepBody } from "./observation-run.ts";

const bodies = (c: DynamicCollection): Record<ObservationStep, StepBody> => ({
  // Upstream behaviours D2 stands on are checked first; the window runs only when they hold (as the D2 test did).
  D2: async () => {
    const problems = await rotationPrerequisiteProblems(c);
    if (problems.length) return problems.join("\n");
    await observeRotation(c);
    const cadence = await recordRemountCadence(c);
    return cadence.ok ? undefined : cadence.message;
  },
  D1: async () => void (await collectD1(c)),
  "D3-revocation": async () => void (await revocationTrial(c)),
  D4: async () => void (await rootLogins(c)),
  "D3-expiry": async () => void (await waitTtlExpiry(c)),
});

/**
 * The dynamic-credential observation, whole (harness/claims/dynamic/observation-run.ts):
 * connect, each step in turn, close (which records the verdicts and drops
 * the control role), then observation.json. It only watches the app through
 * its Service, Vault through a port-forward and pg_roles through psql in
 * postgres-0; it never execs in the app pod, so it runs beside the other
 * suites (suites/e2e/global-setup.ts starts it). `signal` reaches every wait
 * of its steps: once it aborts, the running step ends at its next probe and
 * no further step starts.
 */
export function dynamicObservation(t: DynamicTarget, signal: AbortSignal): ObservationRun {
  const c = new DynamicCollection(t, signal);
  return new ObservationRun({ connect: () => c.connect(), close: () => c.close(), bodies: bodies(c), write: (rec) => t.evidence.write(LAYOUT.observation, rec) }, signal);
}
