/**
 * The reconciler on the policy server's hooks: a pass at start (Neutron may have drifted while the server
 * was down), one after every change (coalesced while a pass runs), one every `intervalMs` (drift by hand),
 * and the next one at once while a pass left writes for later (write budget spent).
 *
 * @example
 *   const stop = enforceOn(server.hooks, createReconciler({ repo, neutron, defaultProjectId, log }), { intervalMs: 30_000 });
 *   await stop();
 */
import type { PolicyHooks } from '../api/events.ts';
import type { Reconciler } from './reconciler.ts';

export function enforceOn(hooks: PolicyHooks, r: Reconciler, o: { intervalMs: number }): () => Promise<void> {
  let stopped = false;
  const kick = () => {
    if (stopped) return;
    void r
      .trigger()
      .then((rep) => {
        if (rep.deferred > 0 && rep.writes > 0) kick();
      })
      // the reconciler logs and counts its failures; the next change or interval tries again
      .catch(() => undefined);
  };
  const unsubscribe = hooks.onChange(kick);
  hooks.every('policy-reconcile', o.intervalMs, async () => {
    if (!stopped) kick();
  });
  kick();
  return async () => {
    stopped = true;
    unsubscribe();
    await r.stop();
  };
}
