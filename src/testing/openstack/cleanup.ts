/**
 * Undo steps for the lab integration tests (tests only): whatever a test created is removed again, newest
 * first, even when some of it is already gone or one step fails.
 *
 * @example
 *   const cleanup = new Cleanup();
 *   cleanup.defer(() => ports.removeIfExists(net, id));
 *   await cleanup.run();
 */

/** A LIFO list of undo steps; `run` tries every step and reports the failures together. */
export class Cleanup {
  private readonly steps: (() => Promise<unknown>)[] = [];

  defer(step: () => Promise<unknown>): void {
    this.steps.push(step);
  }

  async run(): Promise<void> {
    const errors: unknown[] = [];
    while (this.steps.length > 0) {
      const step = this.steps.pop()!;
      try {
        await step();
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw new AggregateError(errors, `cleanup: ${errors.length} step(s) failed`);
  }
}
