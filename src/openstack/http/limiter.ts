/**
 * A counting semaphore: at most `limit` holders at once, the rest wait in order. Used for the per-service
 * concurrency limit, so one busy service cannot take every pooled connection of a shared dispatcher.
 */
export class Limiter {
  readonly limit: number;
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  /**
   * Resolves with a release function once a slot is free; rejects with `onTimeout()` after `timeoutMs`
   * without a slot (the waiter is then dropped, it never holds one).
   */
  acquire(timeoutMs: number, onTimeout: () => Error): Promise<() => void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        this.active++;
        resolve(this.releaser());
      };
      const timer = setTimeout(() => {
        const i = this.waiting.indexOf(grant);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(onTimeout());
      }, timeoutMs);
      this.waiting.push(grant);
    });
  }

  private releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.active--;
      this.waiting.shift()?.();
    };
  }
}
