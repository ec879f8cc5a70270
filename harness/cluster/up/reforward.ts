import type { PortForward, PortForwardExit } from "../../kube/port-forward.ts";

/**
 * A port-forward for bring-up waits, where the other end is still starting:
 * kubectl exits after the first connection the pod refuses
 * (kubernetes/kubectl#1169), so every attempt asks `url()`, which opens a new
 * forward whenever there is none or kubectl has exited. Failing to open
 * rejects like any other probe error, and the wait records it. Conformance
 * suites keep one forward and fail on its exit instead (PortForward.assertAlive).
 */
export class Reforward implements AsyncDisposable {
  #current: PortForward | undefined;
  readonly #exits: PortForwardExit[] = [];

  constructor(private readonly open: () => Promise<PortForward>) {}

  /** How earlier forwards ended, oldest first. */
  get exits(): readonly PortForwardExit[] {
    return this.#exits;
  }

  /** The URL of a running forward, opened now if there is none or the last one exited. */
  async url(): Promise<string> {
    if (this.#current && !this.#current.alive) {
      const gone = this.#current;
      this.#current = undefined;
      if (gone.exited) this.#exits.push(gone.exited);
      await gone.stop();
    }
    this.#current ??= await this.open();
    // Not the throwing `url` getter: a forward that died just now fails this attempt like a refused connection, and the next one reopens.
    return `http://127.0.0.1:${this.#current.localPort}`;
  }

  /** `err` explained by the current forward's exit, if it exited. */
  explain(err: unknown): unknown {
    return this.#current ? this.#current.explain(err) : err;
  }

  /**
   * `wait` (a poll whose probe goes through this forward) with only the error
   * it ends with explained: its message, then how the current forward exited
   * if it did. An explained error is permanent (PortForwardExitedError), so
   * explaining one attempt's error would end the wait at the first exit
   * instead of letting the next attempt reopen.
   */
  async explainEnd<T>(wait: Promise<T>): Promise<T> {
    try {
      return await wait;
    } catch (err) {
      const explained = this.explain(err);
      if (explained === err) throw err;
      throw new Error(`${(err as Error).message}; ${(explained as Error).message}`, { cause: explained });
    }
  }

  async close(): Promise<void> {
    const c = this.#current;
    this.#current = undefined;
    await c?.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
