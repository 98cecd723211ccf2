/**
 * A FIFO async mutex: the embedded store has one connection, and a transaction must own it from BEGIN to
 * COMMIT, or two callers' statements would interleave inside one SQLite transaction.
 */
export class Mutex {
  #tail: Promise<void> = Promise.resolve();

  /** Resolves with the release function once every earlier holder has released. */
  lock(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const acquired = this.#tail.then(() => release);
    this.#tail = this.#tail.then(() => held);
    return acquired;
  }
}
