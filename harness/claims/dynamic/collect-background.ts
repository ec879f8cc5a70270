import { DynamicCollection, type DynamicTarget } from "./collect.ts";
import { collectD1, observeRotation, recordRemountCadence, revocationTrial, rootLogins, rotationPrerequisiteProblems, waitTtlExpiry } from "./collect-steps.ts";
import { LAYOUT } from "./layout.ts";
import { OBSERVATION_STEPS, type ObservationRecord, type ObservationStep } from "./observation.ts";

/** Runs one step; resolves with why it did not succeed, or undefined. */
type Body = (c: DynamicCollection) => Promise<string | undefined>;

const BODIES: Record<ObservationStep, Body> = {
  // Upstream behaviours D2 stands on are checked first; the window runs only when they hold (as the D2 test did).
  D2: async (c) => {
    const problems = await rotationPrerequisiteProblems(c);
    if (problems.length) return problems.join("\n");
    await observeRotation(c);
    const cadence = await recordRemountCadence(c);
    return cadence.ok ? undefined : cadence.message;
  },
  D1: async (c) => void (await collectD1(c)),
  "D3-revocation": async (c) => void (await revocationTrial(c)),
  D4: async (c) => void (await rootLogins(c)),
  "D3-expiry": async (c) => void (await waitTtlExpiry(c)),
};

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * The dynamic-credential observation, whole: connect, each step in turn (a
 * failed step does not stop the next, as the suite's tests did not), close
 * (which records the verdicts), then observation.json. It only watches the
 * app through its Service, Vault through a port-forward and pg_roles through
 * psql in postgres-0; it never execs in the app pod, so it runs beside the
 * other suites (suites/e2e/global-setup.ts starts it). Once `signal` aborts
 * no further step starts.
 */
export async function observeDynamic(t: DynamicTarget, signal: AbortSignal): Promise<ObservationRecord> {
  const t0 = Date.now();
  const rec: ObservationRecord = { startedAt: new Date(t0).toISOString(), durationMs: 0, steps: [] };
  const c = new DynamicCollection(t);
  try {
    await c.connect();
    for (const step of OBSERVATION_STEPS) {
      const s0 = Date.now();
      const why = signal.aborted ? `not run: the suites were stopped (${message(signal.reason)})` : await BODIES[step](c).catch(message);
      rec.steps.push({ step, ok: why === undefined, ...(why === undefined ? {} : { message: why }), startedAt: new Date(s0).toISOString(), durationMs: Date.now() - s0 });
    }
  } catch (err) {
    rec.connectError = message(err);
  } finally {
    await c.close().catch((err: unknown) => {
      rec.closeError = `${message(err)}${err instanceof Error && err.cause ? `: ${message(err.cause)}` : ""}`;
    });
    rec.durationMs = Date.now() - t0;
    await t.evidence.write(LAYOUT.observation, rec);
  }
  return rec;
}

