import type { ArtifactWriter } from "./recorder.ts";

/** What a collector writes its evidence through: an ArtifactWriter or a gate in front of one. */
export type EvidenceSink = Pick<ArtifactWriter, "dir" | "write" | "appendLine" | "verdicts">;

/** A write refused because the writer was sealed. */
export class SealedWriterError extends Error {
  override readonly name = "SealedWriterError";
}

/**
 * A gate in front of a run directory's writer, for work that may outlive the
 * run (the dynamic observation beside the suites): once sealed, every write
 * is refused with a SealedWriterError and reported through `report`, so
 * nothing lands in the bundle after its SHA256SUMS. seal() resolves once the
 * writes already under way have landed.
 */
export class SealableWriter implements EvidenceSink {
  #sealed: string | undefined;
  readonly #pending = new Set<Promise<unknown>>();
  /** The paths refused so far, in order. */
  readonly refused: string[] = [];

  constructor(
    readonly inner: EvidenceSink,
    private readonly report: (line: string) => void,
  ) {}

  get dir(): string {
    return this.inner.dir;
  }

  get sealed(): string | undefined {
    return this.#sealed;
  }

  /** Refuses every later write; resolves when the writes in flight have settled. */
  async seal(reason: string): Promise<void> {
    this.#sealed ??= reason;
    await Promise.allSettled([...this.#pending]);
  }

  write(rel: string, content: string | Buffer | object): Promise<string> {
    return this.#gate(`write ${rel}`, () => this.inner.write(rel, content));
  }

  appendLine(rel: string, line: string): Promise<string> {
    return this.#gate(`append to ${rel}`, () => this.inner.appendLine(rel, line));
  }

  verdicts(family: string, verdicts: Parameters<ArtifactWriter["verdicts"]>[1]): Promise<string> {
    return this.#gate(`record the ${family} verdicts`, () => this.inner.verdicts(family, verdicts));
  }

  #gate(what: string, op: () => Promise<string>): Promise<string> {
    if (this.#sealed !== undefined) {
      const msg = `refused to ${what} in ${this.inner.dir}: the writer was sealed (${this.#sealed})`;
      this.refused.push(what);
      this.report(msg);
      return Promise.reject(new SealedWriterError(msg));
    }
    const p = op();
    this.#pending.add(p);
    const forget = () => void this.#pending.delete(p);
    p.then(forget, forget);
    return p;
  }
}
