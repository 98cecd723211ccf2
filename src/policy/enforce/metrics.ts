/**
 * The reconciler's Prometheus metrics on a registry it is given: passes by outcome, Neutron writes by
 * operation, drift corrected by kind, writes left for the next pass.
 *
 * @example
 *   const m = enforceMetrics(ctx.prom, ctx.metrics);
 */
import type { Registry } from 'prom-client';
import type { PromClient } from '../../service/service.ts';
import type { Report } from './apply.ts';

export interface EnforceMetrics {
  record(report: Report, seconds: number): void;
  failed(): void;
}

export function enforceMetrics(prom: PromClient, registry: Registry): EnforceMetrics {
  const registers = [registry];
  const passes = new prom.Counter({
    name: 'osnet_policy_reconcile_passes_total',
    help: 'Reconcile passes, by outcome (ok, partial: some writes failed, error: Neutron or the store unreadable)',
    labelNames: ['outcome'],
    registers,
  });
  const drift = new prom.Counter({
    name: 'osnet_policy_drift_corrected_total',
    help: 'Differences between the store and Neutron that a pass corrected, by kind',
    labelNames: ['kind'],
    registers,
  });
  const deferred = new prom.Gauge({
    name: 'osnet_policy_reconcile_deferred_writes',
    help: 'Writes the latest pass left for the next one (write budget spent)',
    registers,
  });
  const kept = new prom.Gauge({
    name: 'osnet_policy_groups_kept_in_use',
    help: 'Security groups of deleted apps kept because ports still use them',
    registers,
  });
  const duration = new prom.Histogram({
    name: 'osnet_policy_reconcile_seconds',
    help: 'Duration of reconcile passes',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers,
  });
  return {
    record(r, seconds) {
      passes.inc({ outcome: r.errors.length ? 'partial' : 'ok' });
      const counts: Record<string, number> = {
        group_created: r.groups.created,
        group_deleted: r.groups.deleted,
        rule_created: r.rules.created,
        rule_deleted: r.rules.deleted,
        duplicate_deleted: r.rules.duplicates,
      };
      for (const [kind, n] of Object.entries(counts)) if (n > 0) drift.inc({ kind }, n);
      deferred.set(r.deferred);
      kept.set(r.groups.kept.length);
      duration.observe(seconds);
    },
    failed() {
      passes.inc({ outcome: 'error' });
    },
  };
}
