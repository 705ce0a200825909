// A bounded set of file writes in flight. Creating many small files is dominated by per-file
// file-system latency, so overlapping a few writes makes a capture several times faster while
// memory stays bounded by `limit` files.

/** Runs write tasks with at most `limit` in flight; the first failure is kept and rethrown. */
export class WriteQueue {
  readonly #limit: number;
  readonly #inFlight = new Set<Promise<void>>();
  #failure: { error: unknown } | undefined;

  /**
   * Create a queue.
   * @param limit writes allowed in flight at once
   */
  constructor(limit: number) {
    this.#limit = limit;
  }

  /**
   * Start a write, waiting first while the queue is full.
   * @param task the write
   */
  async push(task: () => Promise<void>): Promise<void> {
    this.#throwIfFailed();
    while (this.#inFlight.size >= this.#limit) await Promise.race(this.#inFlight);
    this.#throwIfFailed();
    const running: Promise<void> = task()
      .catch((error) => {
        this.#failure ??= { error };
      })
      .finally(() => this.#inFlight.delete(running));
    this.#inFlight.add(running);
  }

  /** Wait for every write; rethrow the first failure. */
  async drain(): Promise<void> {
    await this.settle();
    this.#throwIfFailed();
  }

  /** Wait for every write to finish, whatever the outcome (before removing their folder). */
  async settle(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#failure.error;
  }
}
