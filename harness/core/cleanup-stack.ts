/**
 * Cleanups run in reverse order of registration, each whatever the ones
 * before it did; their failures are thrown together once all have run, so a
 * failed step never leaves a later resource open.
 */
export class CleanupStack {
  readonly #steps: (() => Promise<void>)[] = [];

  /** Registers `step` to run at dispose(), before every step registered earlier. */
  defer(step: () => Promise<unknown>): void {
    this.#steps.push(async () => {
      await step();
    });
  }

  /** Registers `close(value)` and hands `value` back. */
  adopt<T>(value: T, close: (value: T) => Promise<unknown>): T {
    this.defer(() => close(value));
    return value;
  }

  /** Runs every registered step once, newest first; throws the failure, or an AggregateError of several. */
  async dispose(): Promise<void> {
    const errors: unknown[] = [];
    for (const step of this.#steps.splice(0).reverse()) await step().catch((err: unknown) => errors.push(err));
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) {
      const messages = errors.map((e) => (e instanceof Error ? e.message : String(e))).join("; ");
      throw new AggregateError(errors, `${errors.length} cleanup steps failed: ${messages}`);
    }
  }
}
