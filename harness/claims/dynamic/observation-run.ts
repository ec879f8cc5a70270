import { OBSERVATION_STEPS, type ObservationRecord, type ObservationStep } from "./observation.ts";

/** Runs one step; resolves with why it did not succeed, or undefined. */
export type StepBody = () => Promise<string | undefined>;

/** What an observation runs: its connection (close() must be safe to call twice), its steps, where its record goes. */
export interface ObservationParts {
  connect(): Promise<void>;
  close(): Promise<void>;
  bodies: Record<ObservationStep, StepBody>;
  /** Writes observation.json. */
  write(rec: ObservationRecord): Promise<unknown>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));
const causeOf = (err: unknown) => `${message(err)}${err instanceof Error && err.cause ? `: ${message(err.cause)}` : ""}`;

/**
 * The observation's course: connect, each step in turn (a failed step does
 * not stop the next), close, then observation.json. Once `signal` aborts no
 * further step starts, and the running one ends at its next wait (its waits
 * take the same signal). forceEnd() is for a step that does not end: it
 * records that step as cut off, closes the connection and writes the record
 * now; what the step does afterwards is no longer recorded.
 */
export class ObservationRun {
  readonly rec: ObservationRecord;
  #running?: { step: ObservationStep; startedMs: number };
  #forced?: string;
  #closed?: Promise<void>;

  constructor(
    private readonly parts: ObservationParts,
    private readonly signal: AbortSignal,
    private readonly now: () => number = Date.now,
  ) {
    this.rec = { startedAt: new Date(now()).toISOString(), durationMs: 0, steps: [] };
  }

  async run(): Promise<ObservationRecord> {
    try {
      await this.parts.connect();
      for (const step of OBSERVATION_STEPS) {
        if (this.#forced !== undefined) break;
        await this.#step(step);
      }
    } catch (err) {
      this.rec.connectError = message(err);
    }
    if (this.#forced !== undefined) return this.rec;
    await this.#close();
    // a forced end that came during the close has written the record already (and the writer may be sealed)
    if (this.#forced !== undefined) return this.rec;
    return this.#finish();
  }

  /** Ends the observation now: the running step is recorded as cut off, the connection closed, the record written. */
  async forceEnd(why: string): Promise<ObservationRecord> {
    if (this.#forced !== undefined) return this.rec;
    this.#forced = why;
    const r = this.#running;
    if (r) this.rec.steps.push({ step: r.step, ok: false, message: `still running when ${why}: ended by force`, startedAt: new Date(r.startedMs).toISOString(), durationMs: this.now() - r.startedMs });
    await this.#close();
    return this.#finish();
  }

  async #step(step: ObservationStep): Promise<void> {
    const startedMs = this.now();
    let why: string | undefined;
    if (this.signal.aborted) why = `not run: the observation was stopped (${message(this.signal.reason)})`;
    else {
      this.#running = { step, startedMs };
      why = await this.parts.bodies[step]().catch(message);
      this.#running = undefined;
    }
    // a step forceEnd() cut off is already recorded
    if (this.#forced !== undefined) return;
    this.rec.steps.push({ step, ok: why === undefined, ...(why === undefined ? {} : { message: why }), startedAt: new Date(startedMs).toISOString(), durationMs: this.now() - startedMs });
  }

  #close(): Promise<void> {
    this.#closed ??= this.parts.close().catch((err: unknown) => {
      this.rec.closeError = causeOf(err);
    });
    return this.#closed;
  }

  async #finish(): Promise<ObservationRecord> {
    this.rec.durationMs = this.now() - Date.parse(this.rec.startedAt);
    await this.parts.write(this.rec);
    return this.rec;
  }
}
